/**
 * The parts of the embedded default, each startable alone so that the bench can run them in separate
 * processes: the same code `npm start` assembles (local/embedded), split at the process boundary so that
 * each part's CPU can be read on its own, and so talking over loopback HTTP as deployed parts do. The
 * whole system runs as one part too, as `npm start` runs it, and as `npm start -- --over-http` does.
 */
import { join } from 'node:path';
import type { ApiServer, RequestCount } from '../../local/apiserver/index.js';
import { LocalBroker } from '../../local/broker/index.js';
import { startEmbedded } from '../../local/embedded/index.js';
import { startEventSources } from '../../local/embedded/event-sources.js';
import { bindEventSink, bindFunctionEnvironment, serveFunctions } from '../../local/embedded/function-servers.js';
import { startLocalClusters } from '../../local/embedded/local-clusters.js';
import type { InstallNamespaces } from '../../local/embedded/local-clusters.js';
import type { PortPlan } from '../../local/embedded/port-plan.js';
import { KNATIVE_DIR } from '../../local/embedded/project-paths.js';
import { Teardown } from '../../local/embedded/teardown.js';
import { startPipelineRunner } from '../../local/pipeline-runner/index.js';

export const PART_NAMES = ['embedded', 'embedded-over-http', 'clusters', 'broker', 'functions', 'runner', 'watchers'] as const;
export type PartName = (typeof PART_NAMES)[number];

/** Where the split parts find each other: ports fixed up front, kubeconfigs in one directory. */
export interface SplitPlan {
  dir: string;
  ports: PortPlan;
  namespaces: InstallNamespaces;
  /** Where each part's process writes a V8 CPU profile when it ends; none when unset. */
  cpuProfileDir?: string;
}

export type ClusterName = 'public' | 'internal';

/** What the bench needs to know of the system it loads. */
export interface SystemInfo {
  publicServer: string;
  publicKubeconfig: string;
  internalServer: string;
  internalKubeconfig: string;
  brokerIngress: string;
  pipelineRunNamespace: string;
}

export interface RunningPart {
  /** The API servers' request counters, on the part that runs them. */
  requests?: () => Record<ClusterName, RequestCount[]>;
  resetRequests?: () => void;
  /** Resolves when the part has nothing queued or in flight. */
  idle: () => Promise<void>;
  info?: SystemInfo;
  stop: () => Promise<void>;
}

function url(port: number): string {
  return `http://127.0.0.1:${port}/`;
}

export function kubeconfigPaths(dir: string): Record<ClusterName, string> {
  return { public: join(dir, 'public.kubeconfig'), internal: join(dir, 'internal.kubeconfig') };
}

function counters(servers: Record<ClusterName, ApiServer>): Pick<RunningPart, 'requests' | 'resetRequests'> {
  return {
    requests: () => ({ public: servers.public.requests.snapshot(), internal: servers.internal.requests.snapshot() }),
    resetRequests: () => {
      servers.public.requests.reset();
      servers.internal.requests.reset();
    },
  };
}

/** Everything in this process, as `npm start` runs it, except the resync pings (a cost per period, not per request). */
async function startWhole(dir: string, overHttp: boolean): Promise<RunningPart> {
  const system = await startEmbedded({ dir, resyncEveryMs: 0, overHttp });
  const servers = system.localClusters as Record<ClusterName, ApiServer>;
  return {
    ...counters(servers),
    idle: async () => {
      await Promise.all([system.broker.whenIdle(), system.sources.internalRequests.idle(), system.sources.pipelineRuns.idle(), system.runner?.idle()]);
    },
    info: {
      publicServer: system.endpoints.clusters.public.server,
      publicKubeconfig: system.endpoints.clusters.public.kubeconfig,
      internalServer: system.endpoints.clusters.internal.server,
      internalKubeconfig: system.endpoints.clusters.internal.kubeconfig,
      brokerIngress: system.endpoints.broker,
      pipelineRunNamespace: system.pipelineRunNamespace,
    },
    stop: () => system.stop(),
  };
}

async function startClusters(plan: SplitPlan, teardown: Teardown): Promise<RunningPart> {
  const servers = await startLocalClusters(teardown, plan.namespaces, { public: plan.ports.public, internal: plan.ports.internal });
  const files = kubeconfigPaths(plan.dir);
  await servers.public.writeKubeconfig(files.public);
  await servers.internal.writeKubeconfig(files.internal);
  return {
    ...counters(servers),
    idle: () => Promise.resolve(),
    info: {
      publicServer: servers.public.url,
      publicKubeconfig: files.public,
      internalServer: servers.internal.url,
      internalKubeconfig: files.internal,
      brokerIngress: url(plan.ports.broker),
      pipelineRunNamespace: plan.namespaces.pipelineRuns,
    },
    stop: () => teardown.run(),
  };
}

async function startBroker(plan: SplitPlan, teardown: Teardown): Promise<RunningPart> {
  const subscribers = Object.fromEntries(Object.entries(plan.ports.functions).map(([name, port]) => [name, url(port)]));
  const broker = await LocalBroker.create({ subscribers, manifestsDir: KNATIVE_DIR });
  await broker.listen({ port: plan.ports.broker });
  teardown.add('broker', () => broker.close());
  return { idle: () => broker.whenIdle(), stop: () => teardown.run() };
}

async function startFunctions(plan: SplitPlan, teardown: Teardown): Promise<RunningPart> {
  const files = kubeconfigPaths(plan.dir);
  bindFunctionEnvironment({
    remoteKubeconfig: files.public,
    internalKubeconfig: files.internal,
    serviceNamespace: plan.namespaces.service,
    pipelineRunNamespace: plan.namespaces.pipelineRuns,
  });
  bindEventSink(url(plan.ports.broker));
  await serveFunctions(teardown, plan.ports.functions);
  return { idle: () => Promise.resolve(), stop: () => teardown.run() };
}

async function startRunner(plan: SplitPlan, teardown: Teardown): Promise<RunningPart> {
  const runner = startPipelineRunner({ kubeconfig: kubeconfigPaths(plan.dir).internal, namespace: plan.namespaces.pipelineRuns });
  teardown.add('pipeline runner', () => runner.stop());
  await runner.synced;
  return { idle: () => runner.idle(), stop: () => teardown.run() };
}

async function startWatchers(plan: SplitPlan, teardown: Teardown): Promise<RunningPart> {
  const files = kubeconfigPaths(plan.dir);
  const sources = await startEventSources(teardown, { remote: files.public, remoteWatcher: files.public, internal: files.internal }, { url: url(plan.ports.broker) }, 30_000);
  return {
    idle: async () => {
      await Promise.all([sources.internalRequests.idle(), sources.pipelineRuns.idle()]);
    },
    stop: () => teardown.run(),
  };
}

export function startPart(name: PartName, plan: SplitPlan): Promise<RunningPart> {
  const teardown = new Teardown();
  switch (name) {
    case 'embedded':
      return startWhole(plan.dir, false);
    case 'embedded-over-http':
      return startWhole(plan.dir, true);
    case 'clusters':
      return startClusters(plan, teardown);
    case 'broker':
      return startBroker(plan, teardown);
    case 'functions':
      return startFunctions(plan, teardown);
    case 'runner':
      return startRunner(plan, teardown);
    case 'watchers':
      return startWatchers(plan, teardown);
  }
}
