import { Agent as HttpAgent } from 'node:http';
import type { OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { RequestOptions as HttpsRequestOptions } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

/** What a request to the API server carries: the agent (TLS, proxy) and the credentials. */
export interface KubeRequestOptions {
  agent?: HttpAgent;
  headers: OutgoingHttpHeaders;
  auth?: string; // user:password (basic authentication)
}

/** How to reach one API server. */
export interface KubeAccess {
  readonly serverUrl: string;
  /** Asked before every request, since credentials rotate (token files, exec plugins). */
  requestOptions(): Promise<KubeRequestOptions>;
}

/**
 * Access through a client-node KubeConfig the caller has already loaded (the embedded default, the
 * pipeline runner, tests): every authentication method client-node knows. Only a type is imported
 * here, so a process that never loads client-node does not pay for it.
 *
 * client-node builds a new agent for every request, so no connection would ever be reused: unless it is
 * a proxy's agent, it is replaced by one keep-alive agent with the same TLS options, kept until those
 * options change (an exec plugin that hands out a new client certificate gets a new agent).
 */
export function kubeConfigAccess(kc: KubeConfig): KubeAccess {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  let kept: { agent: HttpAgent; tls: string } | undefined;
  return {
    serverUrl: cluster.server,
    async requestOptions() {
      const options: HttpsRequestOptions = {};
      await kc.applyToHTTPSOptions(options);
      const agent = typeof options.agent === 'object' ? options.agent : undefined;
      const plain = agent?.constructor === HttpAgent || agent?.constructor === HttpsAgent;
      if (!plain) return { agent, headers: { ...options.headers }, auth: options.auth ?? undefined };
      const tls = tlsIdentity(options);
      // The old agent is dropped, not destroyed: requests under way on it (a watch) finish there.
      if (kept?.tls !== tls) kept = { agent: keepAliveAgent(cluster.server, options), tls };
      return { agent: kept.agent, headers: { ...options.headers }, auth: options.auth ?? undefined };
    },
  };
}

/** The TLS options an agent is made with, as one comparable string. */
function tlsIdentity(options: HttpsRequestOptions): string {
  const text = (value: unknown): string => (value === undefined ? '' : Buffer.isBuffer(value) ? value.toString('base64') : String(value));
  return [options.ca, options.cert, options.key, options.servername, options.rejectUnauthorized].map(text).join('|');
}

/** One pooled agent for a server: plain HTTP, or TLS with the CA, client certificate and checks of `tls`. */
export function keepAliveAgent(server: string, tls: HttpsRequestOptions = {}): HttpAgent {
  if (!server.startsWith('https:')) return new HttpAgent({ keepAlive: true });
  const { ca, cert, key, servername, rejectUnauthorized } = tls;
  return new HttpsAgent({ keepAlive: true, ca, cert, key, servername, ...(rejectUnauthorized === false ? { rejectUnauthorized } : {}) });
}

/** Whether `kubeconfig` is a loaded client-node KubeConfig rather than our own access. */
export function isKubeConfig(kubeconfig: KubeConfig | KubeAccess): kubeconfig is KubeConfig {
  return typeof (kubeconfig as Partial<KubeConfig>).applyToHTTPSOptions === 'function';
}
