/**
 * Lost events are repaired (ADR 0010): in the embedded default, the events of both sources (InternalRequests
 * of the public cluster, PipelineRuns of the internal one) pass a lossy hop that drops a share of them
 * before the broker, and the resync sweep is pinged once per period of an injected clock. The clock moves
 * only once the system has settled (nothing queued, in flight or running, and no API call for a while), so
 * what the system does in each period is exact: after two periods every request has completed, with
 * exactly one PipelineRun, and every run is gone.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { KubeConfig } from '@kubernetes/client-node';
import { parse } from 'yaml';
import type { ApiServer } from '../../local/apiserver/index.js';
import { startEmbedded } from '../../local/embedded/index.js';
import type { EmbeddedSystem } from '../../local/embedded/index.js';
import { PIPELINES } from '../../local/pipeline-runner/index.js';
import { INTERNAL_REQUESTS, PIPELINE_RUNS } from '../../shared/api/index.js';
import type { InternalRequest } from '../../shared/api/index.js';
import { createClusterPort } from '../../shared/kube/index.js';
import type { ClusterPort } from '../../shared/kube/index.js';
import { until } from '../support/until.js';
import { watchAdded } from './support/added-objects.js';
import type { AddedObjects } from './support/added-objects.js';
import { startLossyHop } from './support/lossy-hop.js';
import type { LossyHop } from './support/lossy-hop.js';
import { manualClock } from './support/manual-clock.js';
import type { ManualClock } from './support/manual-clock.js';

/** Sized for two cores: the local runner executes two runs at a time. */
const REQUESTS = 60;
const PERIOD_MS = 1000;
const DROP_SHARE = 0.3;
const SEED = 20_250_611;
const NAMESPACE = 'default';
/** Settled = every part idle, and no API call on either cluster, over this many checks in a row (10 ms apart). */
const QUIET_CHECKS = 3;

function portFor(kubeconfig: string, name: string): ClusterPort {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  return createClusterPort(kc, name);
}

/** `Succeeded`, `Running`, `Rejected`, …, or `no status` (admission never saw it). */
function stateOf(ir: InternalRequest): string {
  const condition = ir.status?.conditions?.[0];
  if (!condition) return 'no status';
  return condition.status === 'True' ? 'Succeeded' : (condition.reason ?? 'Unknown');
}

function tally(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

describe('lost events are repaired by the resync sweep', () => {
  let dir: string;
  let system: EmbeddedSystem;
  let hop: LossyHop;
  let clock: ManualClock;
  let runs: AddedObjects;
  let publicPort: ClusterPort;
  let internalPort: ClusterPort;

  const servers = (): ApiServer[] => {
    const clusters = system.localClusters as { public: ApiServer; internal: ApiServer };
    return [clusters.public, clusters.internal];
  };
  const apiCalls = (): number => servers().flatMap((server) => server.requests.snapshot()).reduce((sum, row) => sum + row.count, 0);
  const partsIdle = (): boolean =>
    hop.idle && system.broker.idle && system.sources.internalRequests.stats().pending === 0 && system.sources.pipelineRuns.stats().pending === 0;

  /** Waits until nothing more happens without a sweep. */
  async function settle(): Promise<void> {
    let lastCalls = -1;
    let quiet = 0;
    await until(async () => {
      await Promise.all([system.sources.internalRequests.idle(), system.sources.pipelineRuns.idle(), system.runner?.idle(), system.broker.whenIdle()]);
      const calls = apiCalls();
      quiet = partsIdle() && calls === lastCalls ? quiet + 1 : 0;
      lastCalls = calls;
      return quiet >= QUIET_CHECKS;
    }, 'the system to settle', 60_000);
  }

  const requests = async (): Promise<InternalRequest[]> => publicPort.list<InternalRequest>(INTERNAL_REQUESTS, NAMESPACE);
  const states = async (): Promise<Record<string, number>> => tally((await requests()).map(stateOf));

  beforeAll(async () => {
    process.env.LOG_LEVEL ??= 'silent';
    dir = await mkdtemp(join(tmpdir(), 'e2e-lost-events-'));
    hop = await startLossyHop({ dropShare: DROP_SHARE, seed: SEED });
    clock = manualClock();
    system = await startEmbedded({ dir, resyncEveryMs: PERIOD_MS, resyncTicker: clock.ticker, sourceSink: (ingress) => hop.forwardTo(ingress) });
    publicPort = portFor(system.endpoints.clusters.public.kubeconfig, 'test-public');
    internalPort = portFor(system.endpoints.clusters.internal.kubeconfig, 'test-internal');
    const pipeline = parse(await readFile('examples/pipeline.yaml', 'utf8')) as object;
    await internalPort.create(PIPELINES, 'default', pipeline);
    const { group, version, plural } = PIPELINE_RUNS;
    runs = await watchAdded(system.endpoints.clusters.internal.kubeconfig, `/apis/${group}/${version}/namespaces/${system.pipelineRunNamespace}/${plural}`);
  });

  afterAll(async () => {
    runs?.stop();
    await system?.stop();
    await hop?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it(`when ${DROP_SHARE * 100}% of the sources' events are lost, then within two sweep periods all ${REQUESTS} requests have completed, each with exactly one PipelineRun, and every run is gone`, async () => {
    const example = parse(await readFile('examples/internalrequest.yaml', 'utf8')) as { metadata: Record<string, unknown> };
    const started = performance.now();
    await Promise.all(Array.from({ length: REQUESTS }, (_, i) =>
      publicPort.create(INTERNAL_REQUESTS, NAMESPACE, { ...example, metadata: { ...example.metadata, name: `lossy-${String(i).padStart(2, '0')}` } })));
    await settle();
    const withoutSweep = { states: await states(), ms: performance.now() - started };
    expect(withoutSweep.states['Succeeded'] ?? 0).toBeLessThan(REQUESTS); // the losses left work undone

    const repairs: Array<{ states: Record<string, number>; ms: number }> = [];
    for (let period = 1; period <= 2; period++) {
      const sweepStarted = performance.now();
      await clock.advance(PERIOD_MS);
      await settle();
      repairs.push({ states: await states(), ms: performance.now() - sweepStarted });
    }

    const done = await requests();
    expect(done).toHaveLength(REQUESTS);
    expect(tally(done.map(stateOf))).toEqual({ Succeeded: REQUESTS });
    for (const ir of done) {
      expect(ir.status?.results).toEqual({ message: 'Hello, world!' });
      expect(ir.status?.pipelineRun).toBe(`${system.pipelineRunNamespace}/internalrequest-${ir.metadata.uid}`);
    }
    expect([...runs.names].sort()).toEqual(done.map((ir) => `internalrequest-${ir.metadata.uid}`).sort());
    expect(await internalPort.list(PIPELINE_RUNS, system.pipelineRunNamespace)).toEqual([]);
    expect(system.broker.deadLetters).toEqual([]);
    expect(system.resync?.sent).toBe(2);
    expect(Object.keys(hop.dropped).sort()).toEqual(expect.arrayContaining([
      'dev.knative.apiserver.resource.add InternalRequest',
      expect.stringMatching(/^dev\.knative\.apiserver\.resource\.\w+ PipelineRun$/),
    ]));

    const resyncMetrics = await (await fetch(new URL('metrics', system.endpoints.functions.resync))).text();
    const repairLines = resyncMetrics.split('\n').filter((line) => line.startsWith('internal_services_resync_repairs_total{'));
    console.log([
      `${REQUESTS} requests, ${DROP_SHARE * 100}% of the sources' events lost (seed ${SEED}), a sweep every ${PERIOD_MS} ms of the injected clock:`,
      `  events dropped ${JSON.stringify(hop.dropped)}`,
      `  events kept    ${JSON.stringify(hop.kept)}`,
      `  without a sweep, settled after ${withoutSweep.ms.toFixed(0)} ms: ${JSON.stringify(withoutSweep.states)}`,
      ...repairs.map((r, i) => `  after sweep ${i + 1}, settled ${r.ms.toFixed(0)} ms after its ping: ${JSON.stringify(r.states)}`),
      `  repairs: ${repairLines.join('; ')}`,
    ].join('\n'));
  });
});
