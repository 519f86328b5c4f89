/**
 * A real control plane on loopback: etcd and kube-apiserver (built by binaries.ts), with RBAC,
 * static tokens, a service-account signing key, and serving certificates that kube-apiserver
 * generates itself into its cert dir. One control plane is one cluster; its files live in a
 * temporary folder that stop() removes.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:https';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { BINARIES, ensureBinary } from './binaries.js';

/** A caller of the cluster: its bearer token authenticates it as `user` in `groups`. */
export interface StaticIdentity {
  token: string;
  user: string;
  groups: string[];
}

export interface ControlPlaneOptions {
  /** Cluster name used in kubeconfigs. */
  name: string;
  /** Identities besides the admin (who is in `system:masters`). */
  identities?: StaticIdentity[];
  /** 0 (the default) picks a free port. */
  port?: number;
  /**
   * false serves watches and lists from etcd. With the cache (the default, as in production) a resumed
   * watch is answered from the cache's own window, so compacting etcd alone makes no 410.
   */
  watchCache?: boolean;
}

export interface ControlPlane {
  readonly name: string;
  /** https://127.0.0.1:<port> */
  readonly url: string;
  /** PEM of the CA that signed the serving certificate. */
  readonly caPem: string;
  readonly adminToken: string;
  /** A kubeconfig acting with `token` (the admin's by default). */
  kubeconfig(token?: string): string;
  /** GET/POST/… as the admin (or `token`), for installing objects and waiting on them. */
  call(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: unknown }>;
  /** The folder holding the logs of etcd and kube-apiserver. */
  readonly dir: string;
  /** Compacts etcd at its current revision: resuming from any earlier resourceVersion is then 410 Gone. */
  compact(): Promise<void>;
  stop(): Promise<void>;
}

export const ADMIN_USER = 'test-bed-admin';
const READY_DEADLINE_MS = 120_000;
const SERVICE_CIDR = '10.0.0.0/24';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function csvField(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** kube-apiserver's --token-auth-file: `token,user,uid,"group1,group2"` per line. */
export function tokenFile(identities: StaticIdentity[]): string {
  return identities.map((i) => [i.token, i.user, i.user, i.groups.join(',')].map(csvField).join(',')).join('\n') + '\n';
}

interface Running {
  child: ChildProcess;
  exited: Promise<number | null>;
  what: string;
  log: string;
}

function run(what: string, binary: string, args: string[], log: string): Running {
  const out = createWriteStream(log);
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, what, log };
}

async function stopProcess(running: Running): Promise<void> {
  if (running.child.exitCode !== null || running.child.signalCode !== null) return;
  running.child.kill('SIGTERM');
  const killer = setTimeout(() => running.child.kill('SIGKILL'), 10_000);
  await running.exited;
  clearTimeout(killer);
}

async function tail(path: string, lines = 30): Promise<string> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text.split('\n').slice(-lines).join('\n');
}

/** Polls `check` until it is true, failing early (with the log's tail) if the process exits. */
async function waitFor(running: Running, check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + READY_DEADLINE_MS;
  let exited = false;
  void running.exited.then(() => (exited = true));
  while (!(await check().catch(() => false))) {
    if (exited) throw new Error(`${running.what} exited before ${what}:\n${await tail(running.log)}`);
    if (Date.now() > deadline) throw new Error(`${running.what}: no ${what} after ${READY_DEADLINE_MS / 1000} s:\n${await tail(running.log)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function startEtcd(dir: string): Promise<{ running: Running; url: string }> {
  const etcd = await ensureBinary(BINARIES.etcd);
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const running = run('etcd', etcd, [
    '--name=test-bed', `--data-dir=${join(dir, 'etcd')}`,
    `--listen-client-urls=${url}`, `--advertise-client-urls=${url}`,
    `--listen-peer-urls=${peer}`, `--initial-advertise-peer-urls=${peer}`, `--initial-cluster=test-bed=${peer}`,
    // A test cluster lives for minutes and is thrown away: durability only costs time.
    '--unsafe-no-fsync', '--log-level=warn',
  ], join(dir, 'etcd.log'));
  await waitFor(running, async () => (await fetch(`${url}/health`)).ok, 'health');
  return { running, url };
}

/** etcd's v3 JSON gateway: the current revision, then a compaction at it. */
async function compactEtcd(url: string): Promise<void> {
  const post = async (path: string, body: object): Promise<unknown> => {
    const res = await fetch(`${url}${path}`, { method: 'POST', body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`etcd ${path}: HTTP ${res.status}: ${await res.text()}`);
    return res.json();
  };
  const { header } = (await post('/v3/kv/range', { key: Buffer.from('/').toString('base64'), limit: 1 })) as { header: { revision: string } };
  await post('/v3/kv/compaction', { revision: header.revision, physical: true });
}

function serviceAccountKeys(): { privatePem: string; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privatePem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

function apiserverArgs(dir: string, etcdUrl: string, port: number, watchCache: boolean): string[] {
  return [
    `--watch-cache=${watchCache}`,
    `--etcd-servers=${etcdUrl}`,
    `--cert-dir=${join(dir, 'certs')}`,
    '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1', `--secure-port=${port}`,
    `--service-cluster-ip-range=${SERVICE_CIDR}`,
    '--authorization-mode=RBAC', `--token-auth-file=${join(dir, 'tokens.csv')}`,
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${join(dir, 'sa.pub')}`, `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
    // No other node, kubelet or aggregated API exists: these would only wait for what never comes.
    '--endpoint-reconciler-type=none', '--enable-priority-and-fairness=false', '--allow-privileged=true',
    '--v=1',
  ];
}

/** The CA of the self-signed serving certificate: the last certificate of the chain kube-apiserver wrote. */
async function servingCa(dir: string): Promise<string> {
  const chain = await readFile(join(dir, 'certs', 'apiserver.crt'), 'utf8');
  const certs = chain.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g) ?? [];
  const ca = certs.at(-1);
  if (!ca) throw new Error(`no certificate in ${join(dir, 'certs', 'apiserver.crt')}`);
  return ca;
}

function kubeconfigYaml(name: string, url: string, caPem: string, token: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server: url, 'certificate-authority-data': Buffer.from(caPem).toString('base64') } }],
    users: [{ name, user: { token } }],
    contexts: [{ name, context: { cluster: name, user: name } }],
    'current-context': name,
    preferences: {},
  });
}

function caller(url: string, agent: Agent) {
  return (method: string, path: string, body: unknown, token: string): Promise<{ status: number; body: unknown }> =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const req = request(new URL(path, url), {
        method, agent,
        headers: {
          authorization: `Bearer ${token}`, accept: 'application/json',
          ...(payload ? { 'content-type': method === 'PATCH' ? 'application/merge-patch+json' : 'application/json' } : {}),
        },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try { parsed = JSON.parse(text); } catch { /* a non-JSON answer (e.g. /readyz) stays text */ }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      });
      req.once('error', reject);
      req.end(payload);
    });
}

export async function startControlPlane(options: ControlPlaneOptions): Promise<ControlPlane> {
  const apiserverBinary = await ensureBinary(BINARIES.kubeApiserver);
  const dir = await mkdtemp(join(tmpdir(), `kube-${options.name}-`));
  const stops: Array<() => Promise<void>> = [() => rm(dir, { recursive: true, force: true })];
  const stop = async (): Promise<void> => {
    for (const s of stops.splice(0).reverse()) await s();
  };
  try {
    const etcd = await startEtcd(dir);
    stops.push(() => stopProcess(etcd.running));
    const adminToken = `admin-${Math.random().toString(36).slice(2)}`;
    const identities = [{ token: adminToken, user: ADMIN_USER, groups: ['system:masters'] }, ...(options.identities ?? [])];
    const keys = serviceAccountKeys();
    await writeFile(join(dir, 'tokens.csv'), tokenFile(identities), { mode: 0o600 });
    await writeFile(join(dir, 'sa.key'), keys.privatePem, { mode: 0o600 });
    await writeFile(join(dir, 'sa.pub'), keys.publicPem);
    const port = options.port || (await freePort());
    const apiserver = run('kube-apiserver', apiserverBinary, apiserverArgs(dir, etcd.url, port, options.watchCache ?? true), join(dir, 'kube-apiserver.log'));
    stops.push(() => stopProcess(apiserver));
    const url = `https://127.0.0.1:${port}`;
    // The certificate exists once the server listens; until then nothing can be verified, so readiness is polled unverified.
    const probe = new Agent({ rejectUnauthorized: false });
    await waitFor(apiserver, async () => (await caller(url, probe)('GET', '/readyz', undefined, adminToken)).status === 200, 'readiness');
    probe.destroy();
    const caPem = await servingCa(dir);
    const agent = new Agent({ ca: caPem, keepAlive: true });
    stops.push(async () => agent.destroy());
    const call = caller(url, agent);
    return {
      name: options.name, url, caPem, adminToken, dir,
      kubeconfig: (token = adminToken) => kubeconfigYaml(options.name, url, caPem, token),
      call: (method, path, body, token = adminToken) => call(method, path, body, token),
      compact: () => compactEtcd(etcd.url),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
