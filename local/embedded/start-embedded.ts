/**
 * The whole system on one machine: the clusters (local API servers, or real ones through
 * kubeconfigs), the five functions over HTTP on loopback, the broker routing by the Trigger
 * manifests, the two event sources, the ping that starts resync sweeps and, for local clusters, the
 * pipeline runner.
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { LocalBroker } from '../broker/index.js';
import type { LocalBrokerOptions } from '../broker/index.js';
import { startPipelineRunner } from '../pipeline-runner/index.js';
import type { PipelineRunner } from '../pipeline-runner/index.js';
import { within } from './deadline.js';
import { clusterEndpointOf, ENDPOINTS_FILE, writeEndpoints } from './endpoints.js';
import type { Endpoints } from './endpoints.js';
import { startEventSources } from './event-sources.js';
import type { EventSink, EventSourceKubeconfigs as Kubeconfigs, EventSources } from './event-sources.js';
import type { FunctionName } from './function-names.js';
import { bindEventSink, bindFunctionEnvironment, functionsInProcess, serveFunctions } from './function-servers.js';
import { startLocalClusters } from './local-clusters.js';
import type { InstallNamespaces, LocalClusters } from './local-clusters.js';
import { startPingSource } from './ping-source.js';
import type { PingSource, Ticker } from './ping-source.js';
import { portPlan } from './port-plan.js';
import type { PortPlan } from './port-plan.js';
import { KNATIVE_DIR } from './project-paths.js';
import { pingManifest, pipelineRunNamespaceOfInstall, serviceNamespaceOfInstall } from './source-manifests.js';
import { claimStateFolder } from './state-claim.js';
import type { StateClaim } from './state-claim.js';
import { startOrUnwind, Teardown } from './teardown.js';

export interface RealClusters {
  /** The functions' identity on the public cluster (and the watcher's, unless given its own below). */
  remoteKubeconfig: string;
  internalKubeconfig: string;
  /** The watcher's identity on the public cluster, when it has its own (knative/public mints two). */
  remoteWatcherKubeconfig?: string;
}

export interface EmbeddedOptions {
  /** Where the kubeconfigs and endpoints.json are written; default `.local`. */
  dir?: string;
  /** The first of PORTS_USED consecutive ports; free ports when unset. */
  portBase?: number;
  /** Run against these clusters instead of local API servers: no local runner, nothing seeded. */
  clusters?: RealClusters;
  /** How long the first list of each watcher may take; default 30 s. */
  syncTimeoutMs?: number;
  /** Tenant namespaces allowed besides `default`: on the config's allowList and created on both local clusters. */
  allow?: string[];
  /** How often the resync sweep runs (a ping to the broker); default 60 s; 0 runs none. */
  resyncEveryMs?: number;
  /** What times the pings; default real timers. Tests inject a clock they drive. */
  resyncTicker?: Ticker;
  /** Where the event sources send, given the broker's ingress; default the ingress itself. Tests put a lossy hop between. */
  sourceSink?: (brokerIngress: string) => string | Promise<string>;
  /**
   * Where the broker delivers each function's events, given where this process serves them; default
   * there. Tests put a hop between, or point the Triggers at functions running in processes of their own.
   */
  subscribers?: (functions: Record<FunctionName, string>) => Record<FunctionName, string> | Promise<Record<FunctionName, string>>;
  /** What times the broker's waits between delivery attempts; default real time. Tests inject one they drive. */
  retryDelay?: (ms: number) => Promise<void>;
  /**
   * Every event over loopback HTTP, as in a cluster: the sources POST to the broker's ingress and the
   * broker POSTs to the functions' servers. By default the parts of this process hand each other the
   * same messages directly (ADR 0016); a hop a test puts between (`sourceSink`, `subscribers`) is HTTP either way.
   */
  overHttp?: boolean;
}

export interface EmbeddedSystem {
  readonly endpoints: Endpoints;
  readonly endpointsFile: string;
  /** Where the system lives on the internal cluster: the config's namespace (SERVICE_NAMESPACE). */
  readonly serviceNamespace: string;
  /** Where the PipelineRuns live on the internal cluster (PIPELINE_RUN_NAMESPACE), as knative/private says. */
  readonly pipelineRunNamespace: string;
  /** The in-process API servers; undefined when running against real clusters. */
  readonly localClusters: LocalClusters | undefined;
  readonly broker: LocalBroker;
  readonly sources: EventSources;
  /** The pings that start resync sweeps; undefined when `resyncEveryMs` is 0. */
  readonly resync: PingSource | undefined;
  readonly runner: PipelineRunner | undefined;
  /** How the sources reach the broker and the broker this process's functions: directly, or over loopback HTTP (`overHttp`). */
  readonly events: 'in-process' | 'over HTTP';
  /** Stops every part, newest first; safe to call more than once. */
  stop(): Promise<void>;
}

interface Clusters {
  endpoints: Endpoints['clusters'];
  local: LocalClusters | undefined;
}

const DEFAULT_SYNC_TIMEOUT_MS = 30_000;
/** Under the state folder: the repositories the pipeline runner's git resolver has fetched. */
const GIT_CACHE_DIR = 'git-cache';
const DEFAULT_RESYNC_EVERY_MS = 60_000;

/** The given files for real clusters; for local ones, where their kubeconfigs are written. */
function kubeconfigPaths(dir: string, clusters: RealClusters | undefined): Kubeconfigs {
  if (clusters) {
    const remote = resolve(clusters.remoteKubeconfig);
    return { remote, remoteWatcher: resolve(clusters.remoteWatcherKubeconfig ?? remote), internal: resolve(clusters.internalKubeconfig) };
  }
  const remote = join(dir, 'public.kubeconfig');
  return { remote, remoteWatcher: remote, internal: join(dir, 'internal.kubeconfig') };
}

async function startClusters(teardown: Teardown, kubeconfigs: Kubeconfigs, ports: PortPlan, options: EmbeddedOptions, namespaces: InstallNamespaces): Promise<Clusters> {
  if (options.clusters) return { endpoints: { public: clusterEndpointOf(kubeconfigs.remote), internal: clusterEndpointOf(kubeconfigs.internal) }, local: undefined };
  const clusters = await startLocalClusters(teardown, namespaces, ports, options.allow);
  await clusters.public.writeKubeconfig(kubeconfigs.remote);
  await clusters.internal.writeKubeconfig(kubeconfigs.internal);
  return {
    endpoints: {
      public: { server: clusters.public.url, kubeconfig: kubeconfigs.remote },
      internal: { server: clusters.internal.url, kubeconfig: kubeconfigs.internal },
    },
    local: clusters,
  };
}

/**
 * Claims the state folder before anything is written to it, and releases it last: on a stop, and on a
 * start that failed, this run's files go with the claim (the kubeconfigs only when this run wrote them:
 * real clusters' are the user's own), so the folder never points at a system that is not running.
 */
async function claimFolder(teardown: Teardown, dir: string, kubeconfigs: Kubeconfigs, options: EmbeddedOptions): Promise<StateClaim> {
  const claim = await claimStateFolder(dir);
  const published = [join(dir, ENDPOINTS_FILE), ...(options.clusters ? [] : [kubeconfigs.remote, kubeconfigs.internal])];
  teardown.add('state folder claim', () => claim.release(published));
  return claim;
}

async function startBroker(teardown: Teardown, subscribers: Record<string, string>, port: number, options: EmbeddedOptions, inProcess: LocalBrokerOptions['inProcess']): Promise<LocalBroker> {
  const broker = await LocalBroker.create({ subscribers, manifestsDir: KNATIVE_DIR, delay: options.retryDelay, ...(options.overHttp ? {} : { inProcess }) });
  await broker.listen({ port });
  teardown.add('broker', () => broker.close());
  return broker;
}

/** The broker's ingress, handed events in this process unless told otherwise or a test puts a hop between. */
async function sourceSink(broker: LocalBroker, ingress: string, options: EmbeddedOptions): Promise<EventSink> {
  if (options.sourceSink) return { url: await options.sourceSink(ingress) };
  return options.overHttp ? { url: ingress } : { url: ingress, inProcess: (message) => broker.accept(message).status };
}

async function startResync(teardown: Teardown, sink: string, options: EmbeddedOptions): Promise<PingSource | undefined> {
  const everyMs = options.resyncEveryMs ?? DEFAULT_RESYNC_EVERY_MS;
  if (everyMs === 0) return undefined;
  const pings = startPingSource({ sink, ping: await pingManifest(), everyMs, ticker: options.resyncTicker });
  teardown.add('resync pings', () => pings.stop());
  return pings;
}

/** The runner's git resolver keeps its repositories in the state folder, so a restart fetches only what changed. */
async function startRunner(teardown: Teardown, kubeconfig: string, namespace: string, syncTimeoutMs: number, dir: string): Promise<PipelineRunner> {
  const runner = startPipelineRunner({ kubeconfig, namespace, gitCacheDir: join(dir, GIT_CACHE_DIR) });
  teardown.add('pipeline runner', () => runner.stop());
  await within(runner.synced, syncTimeoutMs, 'listing PipelineRuns for the pipeline runner');
  return runner;
}

async function assemble(teardown: Teardown, options: EmbeddedOptions): Promise<EmbeddedSystem> {
  const dir = resolve(options.dir ?? '.local');
  const ports = portPlan(options.portBase);
  const syncTimeoutMs = options.syncTimeoutMs ?? DEFAULT_SYNC_TIMEOUT_MS;
  const namespaces: InstallNamespaces = { service: await serviceNamespaceOfInstall(), pipelineRuns: await pipelineRunNamespaceOfInstall() };
  const kubeconfigs = kubeconfigPaths(dir, options.clusters);
  // A process hosts one system: a second one is refused here, before it touches any folder.
  bindFunctionEnvironment({
    remoteKubeconfig: kubeconfigs.remote, internalKubeconfig: kubeconfigs.internal, serviceNamespace: namespaces.service, pipelineRunNamespace: namespaces.pipelineRuns,
  });
  await mkdir(dir, { recursive: true });
  const claim = await claimFolder(teardown, dir, kubeconfigs, options);
  const clusters = await startClusters(teardown, kubeconfigs, ports, options, namespaces);
  const functions = await serveFunctions(teardown, ports.functions);
  const broker = await startBroker(teardown, await (options.subscribers?.(functions) ?? functions), ports.broker, options, functionsInProcess(functions));
  const ingress = broker.url as string;
  bindEventSink(ingress);
  const sources = await startEventSources(teardown, kubeconfigs, await sourceSink(broker, ingress, options), syncTimeoutMs);
  const resync = await startResync(teardown, ingress, options);
  const runner = clusters.local ? await startRunner(teardown, kubeconfigs.internal, namespaces.pipelineRuns, syncTimeoutMs, dir) : undefined;
  const endpoints: Endpoints = { clusters: clusters.endpoints, broker: ingress, functions };
  const endpointsFile = await writeEndpoints(dir, endpoints);
  await claim.record({ public: endpoints.clusters.public.server, internal: endpoints.clusters.internal.server, broker: ingress });
  return {
    endpoints, endpointsFile, serviceNamespace: namespaces.service, pipelineRunNamespace: namespaces.pipelineRuns,
    localClusters: clusters.local, broker, sources, resync, runner, events: options.overHttp ? 'over HTTP' : 'in-process', stop: () => teardown.run(),
  };
}

/** Starts everything, or nothing: a start that fails stops what it had started before the error goes on. */
export function startEmbedded(options: EmbeddedOptions = {}): Promise<EmbeddedSystem> {
  const teardown = new Teardown();
  return startOrUnwind(teardown, () => assemble(teardown, options));
}
