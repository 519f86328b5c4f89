import { readFile } from 'node:fs/promises';
import type { OutgoingHttpHeaders } from 'node:http';
import { isIPv6 } from 'node:net';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';
import { keepAliveAgent, kubeConfigAccess } from './kube-access.js';
import type { KubeAccess } from './kube-access.js';

/** Where a pod finds its service account (what client-node's loadFromCluster reads). */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** The kubeconfig fields read here; a kubeconfig with any other (exec, auth-provider, proxy-url, …) goes to client-node. */
const CLUSTER_FIELDS = new Set(['server', 'certificate-authority', 'certificate-authority-data', 'insecure-skip-tls-verify', 'tls-server-name', 'extensions']);
const USER_FIELDS = new Set(['token', 'tokenFile', 'token-file', 'client-certificate', 'client-certificate-data', 'client-key', 'client-key-data', 'username', 'password', 'as', 'extensions']);

type Fields = Record<string, unknown>;

/**
 * Reads a kubeconfig file, or the pod's service account when no path is given, without client-node:
 * its KubeConfig loads all ~2,500 generated API models, about 70 MB of RSS, which alone is more than
 * the watcher's budget. Tokens, token files (read again for every request, as they rotate), client
 * certificates, basic credentials and impersonation are handled here; for anything else (exec
 * plugins, auth providers, proxies) client-node is loaded after all.
 */
export async function loadKubeAccess(path?: string, options: { env?: NodeJS.ProcessEnv; serviceAccountDir?: string } = {}): Promise<KubeAccess> {
  if (!path) return inCluster(options.env ?? process.env, options.serviceAccountDir ?? SERVICE_ACCOUNT_DIR);
  const config = (parse(await readFile(path, 'utf8')) ?? {}) as Fields;
  const context = entry(config, 'contexts', 'context', config['current-context']);
  const cluster = entry(config, 'clusters', 'cluster', context?.['cluster']);
  if (typeof cluster?.['server'] !== 'string') throw new Error(`${path} has no current cluster with a server`);
  const user = entry(config, 'users', 'user', context?.['user']) ?? {};
  if (!onlyKnown(cluster, CLUSTER_FIELDS) || !onlyKnown(user, USER_FIELDS)) return viaClientNode(path);
  return access(await credentials(cluster['server'], cluster, user, dirname(path)));
}

/** What the fields of one cluster and user say; relative file names are relative to the kubeconfig. */
async function credentials(server: string, cluster: Fields, user: Fields, dir: string): Promise<Credentials> {
  const inDir = (file: unknown): string | undefined => (typeof file === 'string' ? resolve(dir, file) : undefined);
  return {
    server,
    ca: await bytes(inDir(cluster['certificate-authority']), cluster['certificate-authority-data']),
    skipTlsVerify: cluster['insecure-skip-tls-verify'] === true,
    tlsServerName: text(cluster['tls-server-name']),
    cert: await bytes(inDir(user['client-certificate']), user['client-certificate-data']),
    key: await bytes(inDir(user['client-key']), user['client-key-data']),
    token: text(user['token']),
    tokenFile: inDir(user['tokenFile'] ?? user['token-file']),
    basic: typeof user['username'] === 'string' ? `${user['username']}:${text(user['password']) ?? ''}` : undefined,
    impersonate: text(user['as']),
  };
}

interface Credentials {
  server: string;
  ca?: Buffer;
  skipTlsVerify?: boolean;
  tlsServerName?: string;
  cert?: Buffer;
  key?: Buffer;
  token?: string;
  tokenFile?: string;
  basic?: string;
  impersonate?: string;
}

function access(c: Credentials): KubeAccess {
  // Keep-alive: each call reuses a pooled connection instead of opening (and handshaking) a new one.
  const agent = keepAliveAgent(c.server, { ca: c.ca, cert: c.cert, key: c.key, servername: c.tlsServerName, ...(c.skipTlsVerify ? { rejectUnauthorized: false } : {}) });
  return {
    serverUrl: c.server.replace(/\/$/, ''),
    async requestOptions() {
      const headers: OutgoingHttpHeaders = {};
      const token = c.tokenFile ? (await readFile(c.tokenFile, 'utf8')).trim() : c.token;
      if (token) headers['Authorization'] = `Bearer ${token}`;
      if (c.impersonate) headers['Impersonate-User'] = c.impersonate;
      return { agent, headers, auth: c.basic };
    },
  };
}

/** As client-node's loadFromCluster: the service's address from the environment, the account's CA and (rotating) token. */
async function inCluster(env: NodeJS.ProcessEnv, dir: string): Promise<KubeAccess> {
  const host = env['KUBERNETES_SERVICE_HOST'];
  const port = env['KUBERNETES_SERVICE_PORT'];
  if (!host || !port) throw new Error('no kubeconfig and not in a pod (KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are unset)');
  const scheme = ['80', '8080', '8001'].includes(port) ? 'http' : 'https';
  return access({
    server: `${scheme}://${isIPv6(host) ? `[${host}]` : host}:${port}`,
    ca: await bytes(`${dir}/ca.crt`, undefined),
    tokenFile: `${dir}/token`,
  });
}

async function viaClientNode(path: string): Promise<KubeAccess> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  return kubeConfigAccess(kc);
}

/** The `field` of the entry called `name` in the list `list` (`clusters[].cluster`, …). */
function entry(config: Fields, list: string, field: string, name: unknown): Fields | undefined {
  const entries = Array.isArray(config[list]) ? (config[list] as Fields[]) : [];
  const found = entries.find((e) => e?.['name'] === name)?.[field];
  return found && typeof found === 'object' ? (found as Fields) : undefined;
}

function onlyKnown(fields: Fields, known: Set<string>): boolean {
  return Object.keys(fields).every((name) => known.has(name));
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A file's bytes, else base64 data (a file wins, as in kubectl). */
async function bytes(file: string | undefined, data: unknown): Promise<Buffer | undefined> {
  if (file) return readFile(file);
  return typeof data === 'string' && data !== '' ? Buffer.from(data, 'base64') : undefined;
}
