import { KubeConfig } from '@kubernetes/client-node';

/**
 * A kubeconfig file, or the pod's service account (in-cluster) when no path is given, loaded by client-node:
 * for the local parts (the pipeline runner) that hand it to client-node themselves. It loads client-node,
 * so the functions' path (./index.ts) does not import it: they read kubeconfigs with shared/watch's
 * loadKubeAccess (./ports.ts).
 */
export function loadKubeConfig(path?: string): KubeConfig {
  const kc = new KubeConfig();
  if (path) kc.loadFromFile(path);
  else kc.loadFromCluster();
  return kc;
}
