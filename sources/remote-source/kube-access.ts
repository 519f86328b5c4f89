import type { Agent, OutgoingHttpHeaders } from 'node:http';
import type { RequestOptions as HttpsRequestOptions } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

/** What a request to the API server carries: the agent (TLS, proxy) and the credentials. */
export interface KubeRequestOptions {
  agent?: Agent;
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
 */
export function kubeConfigAccess(kc: KubeConfig): KubeAccess {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  return {
    serverUrl: cluster.server,
    async requestOptions() {
      const options: HttpsRequestOptions = {};
      await kc.applyToHTTPSOptions(options);
      return { agent: typeof options.agent === 'object' ? options.agent : undefined, headers: { ...options.headers }, auth: options.auth ?? undefined };
    },
  };
}

/** Whether `kubeconfig` is a loaded client-node KubeConfig rather than our own access. */
export function isKubeConfig(kubeconfig: KubeConfig | KubeAccess): kubeconfig is KubeConfig {
  return typeof (kubeconfig as Partial<KubeConfig>).applyToHTTPSOptions === 'function';
}
