import { KubeConfig } from '@kubernetes/client-node';
import { createClusterPort } from './client-port.js';
import type { ClusterPort } from './port.js';

/** The public cluster where tenants' InternalRequests live, and the private one that runs PipelineRuns. */
export interface ClusterPorts {
  remote: ClusterPort;
  internal: ClusterPort;
}

export class KubeconfigMissingError extends Error {
  override name = 'KubeconfigMissingError';
}

/** Remote: the kubeconfig file an admin mounted from a Secret, named by REMOTE_KUBECONFIG. */
export function remoteKubeConfig(env: NodeJS.ProcessEnv): KubeConfig {
  const path = env.REMOTE_KUBECONFIG;
  if (!path) throw new KubeconfigMissingError('REMOTE_KUBECONFIG is not set: it must name the kubeconfig file of the remote cluster');
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  return kc;
}

/** Internal: KUBECONFIG when set (local runs), else the pod's service account (in-cluster). */
export function internalKubeConfig(env: NodeJS.ProcessEnv): KubeConfig {
  const kc = new KubeConfig();
  if (env.KUBECONFIG) kc.loadFromFile(env.KUBECONFIG);
  else kc.loadFromCluster();
  return kc;
}

export function createClusterPorts(remote: KubeConfig, internal: KubeConfig): ClusterPorts {
  return { remote: createClusterPort(remote, 'remote'), internal: createClusterPort(internal, 'internal') };
}

let processPorts: ClusterPorts | undefined;

/** The ports of this process, built on first use so that a missing kubeconfig fails a request, not the import. */
export function clusterPortsFromEnv(env: NodeJS.ProcessEnv = process.env): ClusterPorts {
  processPorts ??= createClusterPorts(remoteKubeConfig(env), internalKubeConfig(env));
  return processPorts;
}
