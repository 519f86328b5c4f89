import { loadKubeAccess } from '../watch/index.js';
import { createClusterPort } from './client-port.js';
import type { ClusterAccess } from './client-port.js';
import type { ClusterPort } from './port.js';

/** The public cluster where tenants' InternalRequests live, and the private one that runs PipelineRuns. */
export interface ClusterPorts {
  remote: ClusterPort;
  internal: ClusterPort;
}

export class KubeconfigMissingError extends Error {
  override name = 'KubeconfigMissingError';
}

/**
 * Remote: the kubeconfig file an admin mounted from a Secret, named by REMOTE_KUBECONFIG. Read by the light
 * reader of shared/watch, so a function's process loads client-node only for a kubeconfig that needs it
 * (exec plugins, auth providers, proxies: docs/adr/0015).
 */
export function remoteKubeAccess(env: NodeJS.ProcessEnv): () => ReturnType<typeof loadKubeAccess> {
  const path = env.REMOTE_KUBECONFIG;
  if (!path) throw new KubeconfigMissingError('REMOTE_KUBECONFIG is not set: it must name the kubeconfig file of the remote cluster');
  return () => loadKubeAccess(path);
}

/** Internal: KUBECONFIG when set (local runs), else the pod's service account (in-cluster). */
export function internalKubeAccess(env: NodeJS.ProcessEnv): () => ReturnType<typeof loadKubeAccess> {
  const path = env.KUBECONFIG || undefined;
  return () => loadKubeAccess(path);
}

export function createClusterPorts(remote: ClusterAccess, internal: ClusterAccess): ClusterPorts {
  return { remote: createClusterPort(remote, 'remote'), internal: createClusterPort(internal, 'internal') };
}

let processPorts: ClusterPorts | undefined;

/** The ports of this process, built on first use so that a missing kubeconfig fails a request, not the import. */
export function clusterPortsFromEnv(env: NodeJS.ProcessEnv = process.env): ClusterPorts {
  processPorts ??= createClusterPorts(remoteKubeAccess(env), internalKubeAccess(env));
  return processPorts;
}
