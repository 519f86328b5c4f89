/**
 * What one InternalRequest costs in the embedded default: latency from create to Succeeded (p50 over
 * ten example requests, one after another) and the API calls each cluster serves per request.
 */
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { KubeConfig } from '@kubernetes/client-node';
import { parse } from 'yaml';
import type { ApiServer } from '../../local/apiserver/index.js';
import { startEmbedded } from '../../local/embedded/index.js';
import type { EmbeddedSystem } from '../../local/embedded/index.js';
import { INTERNAL_REQUESTS, PIPELINE_RUNS } from '../../shared/api/index.js';
import { createClusterPort } from '../../shared/kube/index.js';
import type { ClusterPort } from '../../shared/kube/index.js';
import { watchCompletions } from './support/completion-watch.js';
import type { CompletionWatch } from './support/completion-watch.js';
import { until } from '../support/until.js';

const RUNS = 10;
const PIPELINES = { group: 'tekton.dev', version: 'v1', plural: 'pipelines', kind: 'Pipeline' };

function portFor(kubeconfig: string, name: string): ClusterPort {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  return createClusterPort(kc, name);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** Calls per request by verb and resource, leaving out the test's own `except` calls. */
function callsPerRequest(server: ApiServer, except: Record<string, number> = {}): { total: number; lines: string[] } {
  const lines: string[] = [];
  let total = 0;
  for (const { verb, resource, count } of server.requests.snapshot()) {
    const system = count - (except[`${verb} ${resource}`] ?? 0);
    if (system <= 0) continue;
    total += system;
    lines.push(`    ${`${verb} ${resource}`.padEnd(36)} ${(system / RUNS).toFixed(1)}`);
  }
  return { total: total / RUNS, lines };
}

describe('what a request costs in the embedded default', () => {
  let dir: string;
  let system: EmbeddedSystem;
  let publicPort: ClusterPort;
  let completions: CompletionWatch;
  let example: { metadata: Record<string, unknown> };

  const runExample = async (name: string): Promise<number> => {
    const started = performance.now();
    await publicPort.create(INTERNAL_REQUESTS, 'default', { ...example, metadata: { ...example.metadata, name } });
    const { reason, at } = await completions.completed(name);
    expect(reason).toBe('Succeeded');
    return at - started;
  };

  const settled = async (deletedRuns: number): Promise<void> => {
    const internal = system.localClusters?.internal as ApiServer;
    await until(() => internal.requests.count({ verb: 'delete', resource: PIPELINE_RUNS.plural }) >= deletedRuns, 'cleanup to delete every PipelineRun');
    await system.broker.whenIdle();
  };

  beforeAll(async () => {
    process.env.LOG_LEVEL ??= 'silent';
    dir = await mkdtemp(join(tmpdir(), 'e2e-measure-'));
    system = await startEmbedded({ dir });
    publicPort = portFor(system.endpoints.clusters.public.kubeconfig, 'test-public');
    const pipeline = parse(await readFile('examples/pipeline.yaml', 'utf8')) as object;
    await portFor(system.endpoints.clusters.internal.kubeconfig, 'test-internal').create(PIPELINES, 'default', pipeline);
    example = parse(await readFile('examples/internalrequest.yaml', 'utf8')) as typeof example;
    completions = await watchCompletions(system.endpoints.clusters.public.kubeconfig, 'default');
  });

  afterAll(async () => {
    completions?.stop();
    await system?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('when ten example requests run one after another, then each succeeds; latency and API calls per request are reported', async () => {
    const clusters = system.localClusters as { public: ApiServer; internal: ApiServer };
    await runExample('warm-up'); // the first request also pays for clients and caches being built
    await settled(1);
    clusters.public.requests.reset();
    clusters.internal.requests.reset();

    const latencies: number[] = [];
    for (let i = 0; i < RUNS; i++) latencies.push(await runExample(`latency-${i}`));
    await settled(RUNS);

    const p50 = median(latencies);
    const onPublic = callsPerRequest(clusters.public, { [`create ${INTERNAL_REQUESTS.plural}`]: RUNS });
    const onInternal = callsPerRequest(clusters.internal);
    console.log(
      [
        `create → Succeeded over ${RUNS} example requests: p50 ${p50.toFixed(0)} ms (min ${Math.min(...latencies).toFixed(0)}, max ${Math.max(...latencies).toFixed(0)})`,
        `API calls per request on the public cluster: ${onPublic.total.toFixed(1)}`,
        ...onPublic.lines,
        `API calls per request on the internal cluster: ${onInternal.total.toFixed(1)} (the local pipeline runner's included)`,
        ...onInternal.lines,
      ].join('\n'),
    );
    expect(p50).toBeLessThan(2_000);
    expect(onPublic.total).toBeLessThanOrEqual(12);
    expect(onInternal.total).toBeLessThanOrEqual(12);
  });
});
