/**
 * The API server a suite runs against: the local one by default, or a real kube-apiserver when
 * TEST_CLUSTER=kube (`npm run test:kube`). One test code base, two servers: suites call this instead
 * of `startApiServer`, and the environment decides.
 */
import { startApiServer } from '../../local/apiserver/index.js';
import type { ApiServer } from '../../local/apiserver/index.js';
import type { KubeClusterOptions } from '../kube/kube-cluster.js';

export type TestBackend = 'local' | 'kube';

export function testBackend(): TestBackend {
  return process.env.TEST_CLUSTER === 'kube' ? 'kube' : 'local';
}

/** Whether the suite runs against a real kube-apiserver. */
export const onRealKube = (): boolean => testBackend() === 'kube';

/**
 * Starts the server. `rbac` objects are applied on a real server; the local one enforces the tokens'
 * grants instead, which tests derive from the same objects.
 */
export async function startTestApiServer(options: KubeClusterOptions = {}): Promise<ApiServer> {
  if (testBackend() === 'local') {
    const { rbac: _appliedOnlyOnRealServers, watchCache: _aRealServersCache, ...local } = options;
    return startApiServer(local);
  }
  const { startKubeCluster } = await import('../kube/kube-cluster.js');
  return startKubeCluster(options);
}
