/**
 * The system the fault matrix runs on: `npm start` against two API servers the bed starts itself (local
 * ones, or real kube-apiservers under TEST_CLUSTER=kube), so that each client reaches them through a hop
 * of its own (api-hop.ts): the functions, the InternalRequest watcher, the pipeline runner, and each
 * function's process when the functions run out of process. Every fault the matrix injects sits
 * outside the code under test: a lossy hop between the sources and the broker, a delivery hop in front
 * of each function, the API hops, the broker's retry gate and the clock of the resync pings. The
 * test's own reads and its watch of created runs go straight to the servers.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { parse } from 'yaml';
import type { ApiServer } from '../../../local/apiserver/index.js';
import { FUNCTION_NAMES, startEmbedded } from '../../../local/embedded/index.js';
import type { EmbeddedSystem, FunctionName } from '../../../local/embedded/index.js';
import { CRD_DIR, EXAMPLES_DIR, TEKTON_CRD_FILE } from '../../../local/embedded/project-paths.js';
import { seedConfig } from '../../../local/embedded/seed-config.js';
import { pipelineRunNamespaceOfInstall, serviceNamespaceOfInstall } from '../../../local/embedded/source-manifests.js';
import { PIPELINES, startPipelineRunner } from '../../../local/pipeline-runner/index.js';
import type { PipelineRunner } from '../../../local/pipeline-runner/index.js';
import { createClusterPort } from '../../../shared/kube/index.js';
import type { ClusterPort } from '../../../shared/kube/index.js';
import { startTestApiServer } from '../../support/test-api-server.js';
import { until } from '../../support/until.js';
import { startApiHop } from './api-hop.js';
import type { ApiHop } from './api-hop.js';
import { watchCreatedRuns } from './created-runs.js';
import type { CreatedRuns } from './created-runs.js';
import { startDeliveryHop } from './delivery-hop.js';
import type { DeliveryHop } from './delivery-hop.js';
import { startLossyHop } from './lossy-hop.js';
import type { LossyHop } from './lossy-hop.js';
import { manualClock } from './manual-clock.js';
import { scriptPipeline } from './manifests.js';
import { retryGate } from './retry-gate.js';
import type { RetryGate } from './retry-gate.js';

export type ClusterName = 'public' | 'internal';

/** The Pipelines requests can name: the README's example, and one that runs until it is cancelled. */
export const PIPELINE_NAMES = { hello: 'hello', untilCancelled: 'until-cancelled' } as const;
/** Where requests and their Pipelines live. */
export const TENANT_NAMESPACE = 'default';
/** A tenant namespace the config's allow list leaves out. */
export const REFUSED_NAMESPACE = 'not-allowed';

export interface FaultBedOptions {
  /** The period of the resync pings, in the injected clock's milliseconds. */
  sweepPeriodMs: number;
  seed: number;
}

export interface FaultBed {
  readonly system: EmbeddedSystem;
  /** The test's own access, straight to each server. */
  readonly admin: Record<ClusterName, ClusterPort>;
  /** The in-process functions' hops (on the internal cluster, the PipelineRun source shares it: one kubeconfig). */
  readonly functionHops: Record<ClusterName, ApiHop>;
  readonly watcherHop: ApiHop;
  readonly sourceHop: LossyHop;
  readonly deliveries: Record<FunctionName, DeliveryHop>;
  readonly gate: RetryGate;
  readonly runs: CreatedRuns;
  /** A new hop to `cluster`, restarted with the others; its kubeconfig is written to a file, whose path is returned with it. */
  addHop(cluster: ClusterName): Promise<{ hop: ApiHop; kubeconfig: string }>;
  /**
   * Waits until nothing more happens without a sweep: every part idle, every watcher watching, and no API
   * call over a few checks in a row.
   */
  settle(): Promise<void>;
  /** Moves the clock one period: the resync sweep is pinged. */
  sweep(): Promise<void>;
  /**
   * Restarts `cluster` as its clients see it: every connection cut, new ones refused, the server's watch
   * history gone (a restarted kube-apiserver's watch cache starts from now), then serving again on the
   * same port. The broker's retries wait meanwhile, as they outlast a restart.
   */
  restart(cluster: ClusterName): Promise<{ calls: number; watches: number }>;
  stop(): Promise<void>;
}

/** Settled = every part idle, and no API call on either server, over this many checks in a row (10 ms apart). */
const QUIET_CHECKS = 3;

const sum = (values: number[]): number => values.reduce((total, value) => total + value, 0);
const SETTLE_TIMEOUT_MS = 60_000;

async function exampleObject(file: string): Promise<object> {
  return parse(await readFile(join(EXAMPLES_DIR, file), 'utf8')) as object;
}

function portOf(server: ApiServer): ClusterPort {
  const kc = new KubeConfig();
  kc.loadFromString(server.kubeconfig());
  return createClusterPort(kc, `test-${server.name}`);
}

/** What the bed started, stopped newest first: by `stop()`, or when a later part fails to start. */
class Started {
  private readonly stops: Array<() => Promise<void> | void> = [];

  add(stop: () => Promise<void> | void): void {
    this.stops.push(stop);
  }

  async stopAll(): Promise<void> {
    for (const stop of this.stops.splice(0).reverse()) await stop();
  }
}

async function startServers(started: Started): Promise<Record<ClusterName, ApiServer>> {
  const namespaces = [...new Set([await serviceNamespaceOfInstall(), await pipelineRunNamespaceOfInstall()])];
  const publicServer = await startTestApiServer({ name: 'public', crdFiles: [join(CRD_DIR, 'internalrequests.yaml')], namespaces: [REFUSED_NAMESPACE] });
  started.add(() => publicServer.stop());
  const internalServer = await startTestApiServer({ name: 'internal', crdFiles: [join(CRD_DIR, 'internalservicesconfigs.yaml'), TEKTON_CRD_FILE], namespaces });
  started.add(() => internalServer.stop());
  return { public: publicServer, internal: internalServer };
}

async function installPipelines(internal: ClusterPort): Promise<void> {
  await internal.create(PIPELINES, TENANT_NAMESPACE, await exampleObject('pipeline.yaml'));
  const untilCancelled = JSON.parse(scriptPipeline(TENANT_NAMESPACE, PIPELINE_NAMES.untilCancelled, 'sleep 600')) as object;
  await internal.create(PIPELINES, TENANT_NAMESPACE, untilCancelled);
}

/** The API hops of the bed, by cluster, each with its kubeconfig file in `dir`. */
class ApiHops {
  private readonly hops: Record<ClusterName, ApiHop[]> = { public: [], internal: [] };
  private readonly keptUp = new Set<ApiHop>();
  private seed: number;

  constructor(
    private readonly servers: Record<ClusterName, ApiServer>,
    private readonly dir: string,
    private readonly started: Started,
    seed: number,
  ) {
    this.seed = seed;
  }

  get all(): ApiHop[] {
    return [...this.hops.public, ...this.hops.internal];
  }

  /** `sparedRestarts`: the hop stays up when its cluster restarts. */
  async add(cluster: ClusterName, sparedRestarts = false): Promise<{ hop: ApiHop; kubeconfig: string }> {
    const hop = await startApiHop({ upstream: this.servers[cluster].url, cluster, seed: this.seed++ });
    this.started.add(() => hop.close());
    this.hops[cluster].push(hop);
    if (sparedRestarts) this.keptUp.add(hop);
    const kubeconfig = join(this.dir, `${cluster}-${this.hops[cluster].length}.kubeconfig`);
    await writeFile(kubeconfig, hop.kubeconfig(), 'utf8');
    return { hop, kubeconfig };
  }

  async restart(cluster: ClusterName): Promise<{ calls: number; watches: number }> {
    const restarted = this.hops[cluster].filter((hop) => !this.keptUp.has(hop));
    const cut = await Promise.all(restarted.map((hop) => hop.goDown()));
    await this.servers[cluster].faults.expireHistory();
    await Promise.all(restarted.map((hop) => hop.comeUp()));
    return { calls: sum(cut.map((c) => c.calls)), watches: sum(cut.map((c) => c.watches)) };
  }
}

async function startDeliveryHops(functions: Record<FunctionName, string>, started: Started): Promise<Record<FunctionName, DeliveryHop>> {
  const hops = {} as Record<FunctionName, DeliveryHop>;
  for (const name of FUNCTION_NAMES) {
    const hop = await startDeliveryHop(functions[name]);
    started.add(() => hop.close());
    hops[name] = hop;
  }
  return hops;
}

async function assemble(options: FaultBedOptions, started: Started): Promise<FaultBed> {
  const dir = await mkdtemp(join(tmpdir(), 'e2e-fault-matrix-'));
  started.add(() => rm(dir, { recursive: true, force: true }));
  const servers = await startServers(started);
  const hops = new ApiHops(servers, dir, started, options.seed);
  const publicFunctions = await hops.add('public');
  const watcher = await hops.add('public');
  const internalFunctions = await hops.add('internal');
  // The runner plays Tekton's controller, which retries a status write a restart cut off. The local runner
  // does not (it leaves such a run as it was), so its connection is spared the restart: the matrix tests
  // the functions, not the stand-in.
  const runnerHop = await hops.add('internal', true);
  const sourceHop = await startLossyHop({ dropShare: 0, seed: options.seed - 1 });
  started.add(() => sourceHop.close());
  const gate = retryGate();
  const clock = manualClock();
  let deliveries = {} as Record<FunctionName, DeliveryHop>;
  const system = await startEmbedded({
    dir: join(dir, 'state'),
    clusters: { remoteKubeconfig: publicFunctions.kubeconfig, remoteWatcherKubeconfig: watcher.kubeconfig, internalKubeconfig: internalFunctions.kubeconfig },
    resyncEveryMs: options.sweepPeriodMs,
    resyncTicker: clock.ticker,
    sourceSink: (ingress) => sourceHop.forwardTo(ingress),
    subscribers: async (functions) => {
      deliveries = await startDeliveryHops(functions, started);
      return Object.fromEntries(FUNCTION_NAMES.map((name) => [name, deliveries[name].url])) as Record<FunctionName, string>;
    },
    retryDelay: gate.delay,
  });
  started.add(() => system.stop());
  for (const hop of Object.values(deliveries)) hop.ingress = system.endpoints.broker;

  const admin = { public: portOf(servers.public), internal: portOf(servers.internal) };
  await seedConfig(admin.internal, system.serviceNamespace);
  await installPipelines(admin.internal);
  const runner: PipelineRunner = startPipelineRunner({ kubeconfig: runnerHop.kubeconfig });
  started.add(() => runner.stop());
  await runner.synced;
  const runs = await watchCreatedRuns(servers.internal.kubeconfig());
  started.add(() => runs.stop());

  const apiCalls = (): number => servers.public.requests.count() + servers.internal.requests.count();
  // A watcher waiting to reconnect (its backoff runs on real timers) is busy, though it makes no call.
  const watchers = [watcher.hop, internalFunctions.hop, runnerHop.hop];
  const partsIdle = (): boolean =>
    watchers.every((hop) => hop.watches > 0) &&
    sourceHop.idle &&
    Object.values(deliveries).every((hop) => hop.idle) &&
    hops.all.every((hop) => hop.busy === 0) &&
    system.broker.idle &&
    system.sources.internalRequests.stats().pending === 0 &&
    system.sources.pipelineRuns.stats().pending === 0;

  return {
    system,
    admin,
    functionHops: { public: publicFunctions.hop, internal: internalFunctions.hop },
    watcherHop: watcher.hop,
    sourceHop,
    deliveries,
    gate,
    runs,
    addHop: (cluster) => hops.add(cluster),
    async settle() {
      let lastCalls = -1;
      let quiet = 0;
      await until(async () => {
        await Promise.all([system.sources.internalRequests.idle(), system.sources.pipelineRuns.idle(), runner.idle(), system.broker.whenIdle()]);
        const calls = apiCalls();
        quiet = partsIdle() && calls === lastCalls ? quiet + 1 : 0;
        lastCalls = calls;
        return quiet >= QUIET_CHECKS;
      }, 'the system to settle', SETTLE_TIMEOUT_MS);
    },
    sweep: () => clock.advance(options.sweepPeriodMs),
    async restart(cluster) {
      gate.close();
      try {
        return await hops.restart(cluster);
      } finally {
        gate.open();
      }
    },
    stop: () => started.stopAll(),
  };
}

export async function startFaultBed(options: FaultBedOptions): Promise<FaultBed> {
  const started = new Started();
  try {
    return await assemble(options, started);
  } catch (error) {
    await started.stopAll();
    throw error;
  }
}
