/** The measured results, turned into the rows of the bench's table. */
import type { RequestCount } from '../../local/apiserver/index.js';
import { INTERNAL_SERVICES_CONFIGS, PIPELINE_RUNS } from '../../shared/api/index.js';
import type { Figure } from './budgets.js';
import type { ColdStart } from './cold-start.js';
import type { LoadResult } from './load.js';
import type { ClusterName, PartName } from './parts.js';
import { median, percentile } from './stats.js';

const CLUSTERS: readonly ClusterName[] = ['public', 'internal'];

/**
 * What only the local pipeline runner calls: it stands in for Tekton's controller, which writes a run's
 * status and resolves its Pipeline and Tasks. In a cluster those are Tekton's calls, not this system's,
 * so the budget leaves them out (docs/performance.md, "API calls"); the table shows them, marked.
 */
const TEKTON_RESOURCES: ReadonlySet<string> = new Set(['pipelineruns/status', 'pipelines', 'tasks', 'taskruns']);

/**
 * The config's reads: each process of the functions reads the InternalServicesConfig when an event needs it
 * and its copy is older than CONFIG_TTL_SECONDS (10 s by default), so they come per period, not per request.
 */
const CONFIG_RESOURCE = INTERNAL_SERVICES_CONFIGS.plural;

/** Calls by cluster, verb and resource per request, the bench's own calls (on the public cluster) left out. */
export function apiCallFigures(requests: Record<ClusterName, readonly RequestCount[]>, own: Readonly<Record<string, number>>, perRequests: number): Figure[] {
  const rows: Array<{ cluster: ClusterName; call: string; count: number; tekton: boolean }> = [];
  for (const cluster of CLUSTERS) {
    const counts = new Map<string, { count: number; resource: string }>();
    for (const row of requests[cluster]) {
      const call = `${row.verb} ${row.resource}`;
      counts.set(call, { count: (counts.get(call)?.count ?? 0) + row.count, resource: row.resource });
    }
    for (const [call, { count, resource }] of counts) {
      const system = count - (cluster === 'public' ? (own[call] ?? 0) : 0);
      if (system > 0) rows.push({ cluster, call, count: system, tekton: cluster === 'internal' && TEKTON_RESOURCES.has(resource) });
    }
  }
  rows.sort((a, b) => CLUSTERS.indexOf(a.cluster) - CLUSTERS.indexOf(b.cluster) || b.count - a.count || a.call.localeCompare(b.call));
  const total = rows.reduce((sum, row) => sum + row.count, 0);
  const tekton = rows.filter((row) => row.tekton).reduce((sum, row) => sum + row.count, 0);
  const configReads = rows.filter((row) => row.call.endsWith(` ${CONFIG_RESOURCE}`)).reduce((sum, row) => sum + row.count, 0);
  const perRequest = total - tekton - configReads;
  const internal = (verb: string): number => requests.internal.filter((r) => r.verb === verb && r.resource === PIPELINE_RUNS.plural).reduce((s, r) => s + r.count, 0);
  const created = internal('create');
  const deleted = internal('delete');
  return [
    ...rows.map((row) => ({
      name: `API calls per request: ${row.cluster} ${row.call}${row.tekton ? " (the local runner, Tekton's stand-in)" : ''}`,
      value: row.count / perRequests,
      unit: 'calls',
    })),
    {
      name: 'API calls per request, all clients of the system',
      value: perRequest / perRequests,
      unit: 'calls',
      budget: 'api-calls',
      note: `${perRequest} calls for ${perRequests} requests: the functions and watchers, reads and watches included; the bench's own create and watch, the local runner's calls and the config's reads (next row) left out`,
    },
    {
      name: 'config reads in the window',
      value: configReads,
      unit: 'reads',
      note: 'each process of the functions reads the config at most once per CONFIG_TTL_SECONDS (10 s), when an event needs it: a cost per period, not per request',
    },
    {
      name: "API calls per request, the local runner (Tekton's stand-in) included",
      value: total / perRequests,
      unit: 'calls',
      note: `${total} calls: the budgeted ones above, the config's ${configReads} reads and the runner's ${tekton}`,
    },
    {
      name: 'PipelineRun deletes beyond one per run',
      value: Math.max(0, deleted - created),
      unit: 'deletes',
      budget: 'runs-deleted-twice',
      note: `${created} runs created, ${deleted} deletes of runs`,
    },
  ];
}

export function latencyFigures(load: LoadResult, rate: number, requests: number): Figure[] {
  const measured = load.latenciesMs.length > 0;
  const notSucceeded = requests - (load.outcomes['Succeeded'] ?? 0);
  const outcomeNote = notSucceeded === 0 ? `all ${requests} Succeeded` : `${notSucceeded} of ${requests} not Succeeded: ${JSON.stringify(load.outcomes)}; ${load.createFailures.length} creates failed`;
  return [
    { name: `create → Succeeded p50 at ${rate} requests/s offered`, value: measured ? median(load.latenciesMs) : undefined, unit: 'ms', note: outcomeNote },
    { name: `create → Succeeded p99 at ${rate} requests/s offered`, value: measured ? percentile(load.latenciesMs, 99) : undefined, unit: 'ms', budget: 'p99', note: 'nearest rank' },
    {
      name: 'requests/s sustained',
      value: load.spanSeconds > 0 ? load.completed / load.spanSeconds : undefined,
      unit: 'req/s',
      note: `${load.completed} completed from the first create to the last completion (${load.spanSeconds.toFixed(1)} s); creates took ${load.offerSeconds.toFixed(1)} s`,
    },
  ];
}

export const PART_LABELS: Partial<Record<PartName, string>> = {
  clusters: 'API servers (both)',
  functions: 'functions (all five)',
  broker: 'broker',
  watchers: 'watchers (both)',
  runner: 'local pipeline runner',
};

/** One load on the whole system in one process: the rate offered, the CPU it used over its window. */
export interface WholeCpu {
  rate: number;
  cpuMs: number | undefined;
  requests: number;
  /** How the figure was made, when not from one load. */
  note?: string;
}

export function cpuFigures(whole: readonly WholeCpu[], parts: Partial<Record<PartName, number>> | undefined, requests: number): Figure[] {
  const perRequest = (ms: number | undefined, count = requests): number | undefined => (ms === undefined ? undefined : ms / count);
  const wholeRows = whole.map(({ rate, cpuMs, requests: count, note }): Figure => ({
    name: `CPU per request, whole embedded system, at ${rate} requests/s offered`,
    value: perRequest(cpuMs, count),
    unit: 'ms',
    budget: 'cpu',
    rate,
    note: note ?? 'one process as npm start runs it: user + system CPU from the first create until settled, ÷ requests',
  }));
  const partRows = Object.entries(PART_LABELS).map(([part, label]) => ({
    name: `CPU per request: ${label}`,
    value: perRequest(parts?.[part as PartName]),
    unit: 'ms',
    note: 'split run: this part alone in its own process',
  }));
  const sum = parts === undefined ? undefined : Object.keys(PART_LABELS).reduce((total, part) => total + (parts[part as PartName] ?? 0), 0);
  return [
    ...wholeRows,
    ...partRows,
    { name: 'CPU per request: sum of the five parts', value: perRequest(sum), unit: 'ms', note: 'split run, five processes' },
  ];
}

/** What the capacity loads showed besides their CPU: that the system kept up with each (the worst of them). */
export function capacityFigures(loads: readonly LoadResult[], rate: number): Figure[] {
  const sustained = loads.map((load) => (load.spanSeconds > 0 ? load.completed / load.spanSeconds : Number.NaN));
  const p99s = loads.filter((load) => load.latenciesMs.length > 0).map((load) => percentile(load.latenciesMs, 99));
  return [
    {
      name: `requests/s sustained at ${rate} requests/s offered`,
      value: loads.length > 0 ? Math.min(...sustained) : undefined,
      unit: 'req/s',
      note: `the lowest of ${loads.length} loads (${loads.map((load) => `${load.completed} completed in ${load.spanSeconds.toFixed(1)} s`).join('; ')})`,
    },
    {
      name: `create → Succeeded p99 at ${rate} requests/s offered`,
      value: p99s.length > 0 ? Math.max(...p99s) : undefined,
      unit: 'ms',
      note: `nearest rank; the highest of ${p99s.length} loads`,
    },
  ];
}

/** The ratio is the median of each cold start over the `node -e 0` timed right before it. */
export function coldStartFigures(label: string, starts: readonly ColdStart[]): Figure[] {
  const ms = starts.length > 0 ? median(starts.map((s) => s.ms)) : undefined;
  const ratio = starts.length > 0 ? median(starts.map((s) => s.ms / s.baselineMs)) : undefined;
  const rss = starts.map((s) => s.rssMb).filter((v): v is number => v !== undefined);
  const statuses = [...new Set(starts.map((s) => s.status).filter((s) => s !== undefined))];
  return [
    {
      name: `cold start: ${label}`,
      value: ratio,
      unit: '× node -e 0',
      budget: 'cold-start',
      note: ms === undefined ? 'not measured' : `median of ${starts.length}: ${ms.toFixed(0)} ms${statuses.length > 0 ? `, answered ${statuses.join('/')}` : ''}`,
    },
    { name: `RSS after the first event: ${label}`, value: rss.length > 0 ? Math.max(...rss) : undefined, unit: 'MB', budget: 'rss-first-event', note: `highest of ${rss.length}` },
  ];
}
