/** `<dir>/endpoints.json`: where every part of a running system listens, for scripts and tests. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { FunctionName } from './function-names.js';

export interface ClusterEndpoint {
  server: string;
  kubeconfig: string;
}

export interface Endpoints {
  clusters: { public: ClusterEndpoint; internal: ClusterEndpoint };
  broker: string;
  functions: Record<FunctionName, string>;
}

export const ENDPOINTS_FILE = 'endpoints.json';

export async function writeEndpoints(dir: string, endpoints: Endpoints): Promise<string> {
  const file = join(dir, ENDPOINTS_FILE);
  await writeFile(file, `${JSON.stringify(endpoints, null, 2)}\n`);
  return file;
}

export class KubeconfigClusterError extends Error {
  override name = 'KubeconfigClusterError';
}

/** The API server URL a kubeconfig file's current context points at. */
export function clusterEndpointOf(kubeconfig: string): ClusterEndpoint {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const server = kc.getCurrentCluster()?.server;
  if (!server) throw new KubeconfigClusterError(`${kubeconfig} has no current cluster`);
  return { server, kubeconfig };
}
