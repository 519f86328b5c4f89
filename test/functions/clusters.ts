import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { ApiServer } from '../../local/apiserver/index.js';
import { createClusterPort } from '../../shared/kube/index.js';
import { startTestApiServer } from '../support/test-api-server.js';
import type { ClusterPort } from '../../shared/kube/index.js';

/** Where the config lives (SERVICE_NAMESPACE). */
export const SERVICE_NAMESPACE = 'internal-services';
/** Where the functions create and look for PipelineRuns (PIPELINE_RUN_NAMESPACE): not the config's namespace, as in knative/private. */
export const PIPELINE_RUN_NAMESPACE = 'internal-services-pipelines';
export const TENANT = 'team-a';
export const OTHER_TENANT = 'team-b';

/** Two API servers (local, or real with TEST_CLUSTER=kube), as the functions see them through REMOTE_KUBECONFIG and KUBECONFIG. */
export interface Clusters {
  publicServer: ApiServer;
  internalServer: ApiServer;
  /** The test's own clients, for arranging objects and checking the outcome. */
  remote: ClusterPort;
  internal: ClusterPort;
  stop(): Promise<void>;
}

async function crdFiles(): Promise<string[]> {
  const names = await readdir('knative/crds');
  return names.filter((n) => n.endsWith('.yaml') && n !== 'kustomization.yaml').map((n) => join('knative/crds', n));
}

/**
 * Starts both clusters and points this process's environment at them. Call it before the first event:
 * the functions build their ports from the environment once, on first use. CONFIG_TTL_SECONDS=0 so a test
 * that changes the config is seen at once; the functions' log lines are off unless LOG_LEVEL asks for them.
 * `publicCrdFiles` replaces the CRDs of the public cluster (one that admits requests our schema refuses).
 */
export async function startClusters(options: { publicCrdFiles?: string[] } = {}): Promise<Clusters> {
  const crds = await crdFiles();
  const publicCrds = options.publicCrdFiles ?? crds;
  const publicServer = await startTestApiServer({ name: 'public', crdFiles: publicCrds, namespaces: [TENANT, OTHER_TENANT] });
  const internalServer = await startTestApiServer({
    name: 'internal',
    crdFiles: [...crds, 'local/crds/tekton.yaml'],
    namespaces: [SERVICE_NAMESPACE, PIPELINE_RUN_NAMESPACE],
  });
  const dir = await mkdtemp(join(tmpdir(), 'functions-test-'));
  await publicServer.writeKubeconfig(join(dir, 'remote'));
  await internalServer.writeKubeconfig(join(dir, 'internal'));
  Object.assign(process.env, {
    REMOTE_KUBECONFIG: join(dir, 'remote'),
    KUBECONFIG: join(dir, 'internal'),
    SERVICE_NAMESPACE,
    PIPELINE_RUN_NAMESPACE,
    CONFIG_TTL_SECONDS: '0',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
  });
  return {
    publicServer,
    internalServer,
    remote: createClusterPort(kubeConfigOf(publicServer), 'test-public'),
    internal: createClusterPort(kubeConfigOf(internalServer), 'test-internal'),
    async stop(): Promise<void> {
      await Promise.all([publicServer.stop(), internalServer.stop()]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function kubeConfigOf(server: ApiServer): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(server.kubeconfig());
  return kc;
}

