/**
 * The reader for callers that work with client-node anyway (the pipeline runner, the embedded
 * default): loadKubeConfig returns client-node's KubeConfig. The watcher's own process does not import
 * this file, since loading client-node's KubeConfig costs about 70 MB of RSS (see kubeconfig-file.ts).
 */
import { KubeConfig } from '@kubernetes/client-node';

export { KubeReader } from './kube-http.js';
export type { Query } from './kube-http.js';
export { KubeRequestError } from './kube-request-error.js';

/** Loads a kubeconfig file, or the in-cluster service account when no path is given. */
export function loadKubeConfig(path?: string): KubeConfig {
  const kc = new KubeConfig();
  if (path) kc.loadFromFile(path);
  else kc.loadFromCluster();
  return kc;
}
