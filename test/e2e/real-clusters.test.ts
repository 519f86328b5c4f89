/**
 * `npm start -- --remote-kubeconfig … --internal-kubeconfig …`: the same sources, broker and functions
 * against clusters someone else runs. Two API servers stand in for those clusters here; the test plays
 * Tekton's part, because against real clusters nothing local runs the pipelines (or starts the local
 * runner against the internal cluster, to run a Pipeline through Tekton's CRDs there). The public one accepts
 * only the two identities knative/public mints (the watcher's and the functions'), each with its grants.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { KubeConfig } from '@kubernetes/client-node';
import { parse } from 'yaml';
import type { ApiServer } from '../../local/apiserver/index.js';
import { startEmbedded } from '../../local/embedded/index.js';
import type { EmbeddedSystem } from '../../local/embedded/index.js';
import { CRD_DIR, TEKTON_CRD_FILE } from '../../local/embedded/project-paths.js';
import { pipelineRunNamespaceOfInstall } from '../../local/embedded/source-manifests.js';
import { PIPELINES, startPipelineRunner } from '../../local/pipeline-runner/index.js';
import type { PipelineRunner } from '../../local/pipeline-runner/index.js';
import {
  CONFIG_NAME,
  INTERNAL_REQUESTS,
  INTERNAL_SERVICES_CONFIGS,
  PIPELINE_RUNS,
  REQUEST_NAME_LABEL,
} from '../../shared/api/index.js';
import type { InternalRequest, PipelineRun } from '../../shared/api/index.js';
import { createClusterPort } from '../../shared/kube/index.js';
import type { ClusterPort } from '../../shared/kube/index.js';
import { internalRequest } from './support/manifests.js';
import { startTestApiServer } from '../support/test-api-server.js';
import { until } from '../support/until.js';

const SERVICE_NAMESPACE = 'internal-services';
/** Where the functions create runs: knative/private creates it, so on clusters it did not start the test does. */
const PIPELINE_RUN_NAMESPACE = await pipelineRunNamespaceOfInstall();
const CRD_FILES = [join(CRD_DIR, 'internalrequests.yaml'), join(CRD_DIR, 'internalservicesconfigs.yaml')];
const TOKENS = {
  watcher: 'watcher-token',
  functions: 'functions-token',
  tenant: 'tenant-token',
} as const;
const PUBLIC_GRANTS = {
  [TOKENS.watcher]: [{ verbs: ['list', 'watch'], resources: ['internalrequests'] }],
  [TOKENS.functions]: [
    { verbs: ['get', 'patch'], resources: ['internalrequests'] },
    { verbs: ['patch'], resources: ['internalrequests/status'] },
  ],
  [TOKENS.tenant]: [{ verbs: ['*'], resources: ['*'] }],
};

function exampleObject(file: string): object {
  return parse(readFileSync(join('examples', file), 'utf8')) as object;
}

function portOf(server: ApiServer, token?: string): ClusterPort {
  const kc = new KubeConfig();
  kc.loadFromString(server.kubeconfig(token === undefined ? {} : { token }));
  return createClusterPort(kc, `test-${server.name}`);
}

describe('the embedded default against clusters it did not start', () => {
  let dir: string;
  let publicServer: ApiServer;
  let internalServer: ApiServer;
  let system: EmbeddedSystem;
  let remote: ClusterPort;
  let internal: ClusterPort;

  beforeAll(async () => {
    process.env.LOG_LEVEL ??= 'silent';
    dir = await mkdtemp(join(tmpdir(), 'e2e-real-clusters-'));
    publicServer = await startTestApiServer({ name: 'public', crdFiles: CRD_FILES, tokens: PUBLIC_GRANTS });
    internalServer = await startTestApiServer({ name: 'internal', crdFiles: [...CRD_FILES, TEKTON_CRD_FILE], namespaces: [SERVICE_NAMESPACE, PIPELINE_RUN_NAMESPACE] });
    await publicServer.writeKubeconfig(join(dir, 'remote.kubeconfig'), { token: TOKENS.functions });
    await publicServer.writeKubeconfig(join(dir, 'watcher.kubeconfig'), { token: TOKENS.watcher });
    await internalServer.writeKubeconfig(join(dir, 'internal.kubeconfig'));
    [remote, internal] = [portOf(publicServer, TOKENS.tenant), portOf(internalServer)];
    system = await startEmbedded({
      dir: join(dir, 'state'),
      clusters: {
        remoteKubeconfig: join(dir, 'remote.kubeconfig'),
        remoteWatcherKubeconfig: join(dir, 'watcher.kubeconfig'),
        internalKubeconfig: join(dir, 'internal.kubeconfig'),
      },
    });
  });

  afterAll(async () => {
    await system?.stop();
    await Promise.all([publicServer?.stop(), internalServer?.stop()]);
    await rm(dir, { recursive: true, force: true });
  });

  it('when started with both kubeconfigs, then it starts no API server and no runner, seeds nothing and reports those clusters', async () => {
    expect(system.localClusters).toBeUndefined();
    expect(system.runner).toBeUndefined();
    expect(await internal.get(INTERNAL_SERVICES_CONFIGS, SERVICE_NAMESPACE, CONFIG_NAME)).toBeUndefined();
    expect(system.endpoints.clusters.public).toEqual({ server: publicServer.url, kubeconfig: join(dir, 'remote.kubeconfig') });
    expect(system.endpoints.clusters.internal).toEqual({ server: internalServer.url, kubeconfig: join(dir, 'internal.kubeconfig') });
  });

  it('when a request is admitted and its PipelineRun succeeds there, then the request on the remote cluster succeeds with its results', async () => {
    await internal.create(INTERNAL_SERVICES_CONFIGS, SERVICE_NAMESPACE, {
      apiVersion: `${INTERNAL_SERVICES_CONFIGS.group}/${INTERNAL_SERVICES_CONFIGS.version}`,
      kind: INTERNAL_SERVICES_CONFIGS.kind,
      metadata: { name: CONFIG_NAME, namespace: SERVICE_NAMESPACE },
      spec: { allowList: ['default'] },
    });
    await remote.create(INTERNAL_REQUESTS, 'default', JSON.parse(internalRequest('default', 'remote-run', 'hello')) as object);

    let run: PipelineRun | undefined;
    await until(async () => {
      [run] = await internal.list<PipelineRun>(PIPELINE_RUNS, PIPELINE_RUN_NAMESPACE, { labelSelector: `${REQUEST_NAME_LABEL}=remote-run` });
      return run !== undefined;
    }, 'the PipelineRun on the internal cluster, in the pipeline-run namespace');
    expect(await internal.list<PipelineRun>(PIPELINE_RUNS, SERVICE_NAMESPACE)).toEqual([]);
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    await internal.patchStatus(PIPELINE_RUNS, PIPELINE_RUN_NAMESPACE, run?.metadata.name ?? '', {
      merge: {
        status: {
          startTime: now,
          completionTime: now,
          conditions: [{ type: 'Succeeded', status: 'True', reason: 'Succeeded', message: 'Tasks Completed: 1', lastTransitionTime: now }],
          results: [{ name: 'message', value: 'ran on the real cluster' }],
        },
      },
    });

    let request: InternalRequest | undefined;
    await until(async () => {
      request = await remote.get<InternalRequest>(INTERNAL_REQUESTS, 'default', 'remote-run');
      return request?.status?.conditions?.[0]?.status === 'True';
    }, 'the request to succeed');
    expect(request?.status?.results).toEqual({ message: 'ran on the real cluster' });
  });

  it("when the local pipeline runner plays Tekton on the internal cluster, then the README's example request runs its Pipeline there and succeeds with the result the step wrote", async () => {
    const runner: PipelineRunner = startPipelineRunner({ kubeconfig: join(dir, 'internal.kubeconfig'), namespace: PIPELINE_RUN_NAMESPACE });
    try {
      await runner.synced;
      await internal.create(PIPELINES, 'default', exampleObject('pipeline.yaml'));
      await remote.create(INTERNAL_REQUESTS, 'default', exampleObject('internalrequest.yaml'));
      let request: InternalRequest | undefined;
      await until(async () => {
        request = await remote.get<InternalRequest>(INTERNAL_REQUESTS, 'default', 'hello');
        return !['', 'Running'].includes(request?.status?.conditions?.[0]?.reason ?? '');
      }, 'the request to end', 30_000);
      expect(request?.status?.conditions?.[0]).toMatchObject({ type: 'Succeeded', status: 'True', reason: 'Succeeded' });
      expect(request?.status?.results).toEqual({ message: 'Hello, world!' });
    } finally {
      await runner.stop();
    }
  });

  it('when the watcher and the functions have their own public identities, then each uses only its own grants and none is refused', () => {
    expect(publicServer.requests.count({ refused: true })).toBe(0);
    expect(publicServer.requests.count({ user: TOKENS.watcher, verb: 'list', resource: 'internalrequests' })).toBeGreaterThan(0);
    expect(publicServer.requests.count({ user: TOKENS.functions, verb: 'patch', resource: 'internalrequests/status' })).toBeGreaterThan(0);
  });
});
