/**
 * `npm run bench`: what a request costs in the embedded default, against the performance budgets.
 *
 *   1. the whole system in one process, as `npm start` runs it: API calls, CPU, latency, throughput at
 *      `--rate`, then its CPU at the capacity the CPU budget speaks of (100 requests/s); before its load,
 *      each function's cold start against its (still empty) clusters;
 *   2. the whole system again, every hop over loopback HTTP (`npm start -- --over-http`), at `--rate`:
 *      its CPU, to show what handing events over in-process saves (ADR 0016);
 *   3. the same parts split over five processes, under the same load: CPU of each part;
 *   4. the remote watcher's cold start and its peak memory with 10,000 InternalRequests.
 *
 * docs/performance.md says how each figure is measured and records them.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { WATCHER_BUNDLE } from '../../functions/bundle.js';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { FUNCTION_NAMES, PORTS_USED } from '../../local/embedded/index.js';
import { portPlan } from '../../local/embedded/port-plan.js';
import { pipelineRunNamespaceOfInstall, serviceNamespaceOfInstall } from '../../local/embedded/source-manifests.js';
import { freePortBase } from '../e2e/support/free-ports.js';
import { buildBundles } from '../support/bundles.js';
import type { BuiltBundles } from '../support/bundles.js';
import { BENCH_USAGE, BenchUsageError, parseBenchArgs } from './args.js';
import type { BenchOptions } from './args.js';
import { budgetFailures, judge } from './budgets.js';
import type { Figure } from './budgets.js';
import { functionColdStart } from './cold-start.js';
import type { ColdStart } from './cold-start.js';
import { apiCallFigures, capacityFigures, coldStartFigures, cpuFigures, latencyFigures } from './figures.js';
import type { WholeCpu } from './figures.js';
import { measureUnderLoad } from './load-phase.js';
import type { PhaseMeasurement } from './load-phase.js';
import { startPartHost } from './part-hosts.js';
import type { PartHost } from './part-hosts.js';
import type { SplitPlan, SystemInfo } from './parts.js';
import { probeEvent } from './probe-events.js';
import { median } from './stats.js';
import { formatTable } from './table.js';
import { WATCHED_REQUESTS, measureWatcher } from './watcher-memory.js';
import type { WatcherFigures } from './watcher-memory.js';

const COLD_START_TRIALS = 3;
const MAX_WARMUP = 50;
/** The rate of the CPU budget: 10 ms of CPU a request is 100 requests/s on one core. */
export const CAPACITY_RATE = 100;
/** Loads at the capacity rate, one after another: the budgeted figure is their median, so one noisy load does not decide it. */
const CAPACITY_LOADS = 3;

const benchStarted = performance.now();

function progress(line: string): void {
  process.stderr.write(`bench: ${((performance.now() - benchStarted) / 1000).toFixed(0).padStart(3)} s ${line}\n`);
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A phase that fails leaves its figures unmeasured (and named so), not the whole bench. */
async function attempt<T>(what: string, run: () => Promise<T>): Promise<T | string> {
  try {
    return await run();
  } catch (err) {
    progress(`${what} failed: ${errorText(err)}`);
    return `${what} failed: ${errorText(err)}`;
  }
}

async function coldStarts(bundles: BuiltBundles, info: SystemInfo, serviceNamespace: string): Promise<Record<string, ColdStart[]>> {
  const env = {
    REMOTE_KUBECONFIG: info.publicKubeconfig,
    KUBECONFIG: info.internalKubeconfig,
    SERVICE_NAMESPACE: serviceNamespace,
    PIPELINE_RUN_NAMESPACE: info.pipelineRunNamespace,
    K_SINK: info.brokerIngress,
  };
  const results: Record<string, ColdStart[]> = {};
  // One start of each function first, not counted: the just-started clusters answer their first calls of
  // each kind slowly (their own code is still cold), which is no function's cold start.
  for (const target of FUNCTION_NAMES) await functionColdStart({ bundle: bundles.file(target), target, env, event: probeEvent(target, info) });
  for (const target of FUNCTION_NAMES) {
    results[target] = [];
    for (let i = 0; i < COLD_START_TRIALS; i++) {
      results[target].push(await functionColdStart({ bundle: bundles.file(target), target, env, event: probeEvent(target, info) }));
    }
  }
  return results;
}

const QUIET_WINDOW_MS = 250;
const QUIET_SHARE = 0.1;
const QUIET_GIVE_UP_MS = 10_000;

/**
 * Waits until `host` uses under a tenth of a core (or 10 s passed): a system that has just started is
 * still compiling its own code, and on two cores that would be timed as the functions' cold starts.
 */
async function quiet(host: PartHost): Promise<void> {
  const started = performance.now();
  let before = await host.cpuMs();
  while (performance.now() - started < QUIET_GIVE_UP_MS) {
    await sleep(QUIET_WINDOW_MS);
    const now = await host.cpuMs();
    if (now - before < QUIET_WINDOW_MS * QUIET_SHARE) return;
    before = now;
  }
}

async function stopAll(hosts: readonly PartHost[]): Promise<void> {
  for (const host of [...hosts].reverse()) await host.stop();
}

interface WholeResult {
  measurement: PhaseMeasurement;
  /** The loads at CAPACITY_RATE, when `--rate` is another. */
  capacity: PhaseMeasurement[] | Failed | undefined;
  coldStarts: Record<string, ColdStart[]> | Failed;
}

async function wholePhase(plan: SplitPlan, options: BenchOptions, bundles: Promise<BuiltBundles>): Promise<WholeResult> {
  progress('starting the whole system in one process');
  const whole = await startPartHost('embedded', plan);
  try {
    const info = whole.info as SystemInfo;
    progress('cold starts of the five functions');
    const starts = await attempt('cold starts', async () => {
      const built = await bundles;
      await quiet(whole);
      return coldStarts(built, info, plan.namespaces.service);
    });
    progress(`whole system in one process: ${options.requests} requests at ${options.rate}/s`);
    const measurement = await measureUnderLoad([whole], { requests: options.requests, rate: options.rate, warmup: Math.min(MAX_WARMUP, options.requests), run: 'whole' });
    let capacity: PhaseMeasurement[] | Failed | undefined;
    if (options.rate !== CAPACITY_RATE) capacity = await attempt('the capacity loads', () => capacityLoads(whole, options));
    return { measurement, capacity, coldStarts: starts };
  } finally {
    await whole.stop();
  }
}

async function capacityLoads(whole: PartHost, options: BenchOptions): Promise<PhaseMeasurement[]> {
  const loads: PhaseMeasurement[] = [];
  for (let i = 1; i <= CAPACITY_LOADS; i++) {
    progress(`whole system in one process: ${options.requests} requests at ${CAPACITY_RATE}/s (${i} of ${CAPACITY_LOADS})`);
    const warmup = i === 1 ? Math.min(MAX_WARMUP, options.requests) : 0;
    loads.push(await measureUnderLoad([whole], { requests: options.requests, rate: CAPACITY_RATE, warmup, run: `capacity-${i}` }));
  }
  return loads;
}

async function overHttpPhase(plan: SplitPlan, options: BenchOptions): Promise<PhaseMeasurement> {
  progress('starting the whole system in one process, every hop over HTTP');
  const whole = await startPartHost('embedded-over-http', plan);
  try {
    progress(`whole system over HTTP: ${options.requests} requests at ${options.rate}/s`);
    return await measureUnderLoad([whole], { requests: options.requests, rate: options.rate, warmup: Math.min(MAX_WARMUP, options.requests), run: 'over-http' });
  } finally {
    await whole.stop();
  }
}

async function splitPhase(plan: SplitPlan, options: BenchOptions): Promise<PhaseMeasurement> {
  await mkdir(plan.dir, { recursive: true });
  const hosts: PartHost[] = [];
  try {
    progress('starting the parts in five processes');
    hosts.push(await startPartHost('clusters', plan));
    hosts.push(...(await Promise.all((['broker', 'functions', 'runner'] as const).map((part) => startPartHost(part, plan)))));
    hosts.push(await startPartHost('watchers', plan));
    progress(`split into five processes: ${options.requests} requests at ${options.rate}/s`);
    return await measureUnderLoad(hosts, { requests: options.requests, rate: options.rate, warmup: Math.min(MAX_WARMUP, options.requests), run: 'split' });
  } finally {
    await stopAll(hosts);
  }
}

type Failed = string;

function unmeasured(note: string, rows: Array<[string, Figure['budget'], string]>): Figure[] {
  return rows.map(([name, budget, unit]) => ({ name, value: undefined, unit, note, ...(budget ? { budget } : {}) }));
}

function wholeFigures(options: BenchOptions, whole: WholeResult | Failed): Figure[] {
  if (typeof whole === 'string') {
    return unmeasured(whole, [
      ['API calls per request, all clients of the system', 'api-calls', 'calls'],
      ['PipelineRun deletes beyond one per run', 'runs-deleted-twice', 'deletes'],
      [`create → Succeeded p99 at ${options.rate} requests/s offered`, 'p99', 'ms'],
    ]);
  }
  const m = whole.measurement;
  return [
    ...apiCallFigures(m.requests, m.load.ownCalls, options.requests),
    { name: 'PipelineRuns left once settled', value: m.runsLeft, unit: 'runs', note: m.settleNote ?? 'every part idle, no API call for 300 ms' },
    ...latencyFigures(m.load, options.rate, options.requests),
  ];
}

function coldStartRows(label: string, starts: readonly ColdStart[] | Failed): Figure[] {
  if (typeof starts !== 'string') return coldStartFigures(label, starts);
  return unmeasured(starts, [[`cold start: ${label}`, 'cold-start', '× node -e 0'], [`RSS after the first event: ${label}`, 'rss-first-event', 'MB']]);
}

function startFigures(whole: WholeResult | Failed, watcher: WatcherFigures | Failed): Figure[] {
  const starts = typeof whole === 'string' ? whole : whole.coldStarts;
  const watcherStarts = typeof watcher === 'string' ? watcher : watcher.coldStarts;
  const all = [...(typeof starts === 'string' ? [] : Object.values(starts).flat()), ...(typeof watcherStarts === 'string' ? [] : watcherStarts)];
  return [
    {
      name: 'node -e 0 (spawn → exit)',
      value: all.length > 0 ? median(all.map((s) => s.baselineMs)) : undefined,
      unit: 'ms',
      note: `median of ${all.length}, each timed right before a cold start`,
    },
    ...FUNCTION_NAMES.flatMap((target) => coldStartRows(target, typeof starts === 'string' ? starts : (starts[target] ?? []))),
    ...coldStartRows('remote watcher', watcherStarts),
  ];
}

function watcherFigures(watcher: WatcherFigures | Failed): Figure[] {
  const name = `watcher peak RSS with ${WATCHED_REQUESTS} InternalRequests`;
  if (typeof watcher === 'string') return unmeasured(watcher, [[name, 'watcher-rss', 'MB']]);
  return [{ name, value: watcher.peakRssMb, unit: 'MB', budget: 'watcher-rss', note: `VmHWM once ${watcher.adds} adds reached the sink (${watcher.seconds.toFixed(1)} s)` }];
}

/** The whole system's CPU at `--rate`, and at the capacity rate (the median of its loads) when that is another. */
function wholeCpuOf(options: BenchOptions, whole: WholeResult | Failed): WholeCpu[] {
  const at = (rate: number, m: PhaseMeasurement | Failed | undefined): WholeCpu => ({ rate, cpuMs: typeof m === 'object' ? m.cpuMs.embedded : undefined, requests: options.requests });
  if (typeof whole === 'string') return [at(CAPACITY_RATE, undefined)];
  if (options.rate === CAPACITY_RATE) return [at(options.rate, whole.measurement)];
  const { capacity } = whole;
  if (capacity === undefined || typeof capacity === 'string') return [at(options.rate, whole.measurement), at(CAPACITY_RATE, undefined)];
  const each = capacity.map((m) => m.cpuMs.embedded ?? Number.NaN);
  const perRequest = each.map((ms) => (ms / options.requests).toFixed(2)).join(', ');
  return [
    at(options.rate, whole.measurement),
    { rate: CAPACITY_RATE, cpuMs: median(each), requests: options.requests, note: `median of ${each.length} loads, one after another (${perRequest} ms): one process as npm start runs it` },
  ];
}

function capacityRows(whole: WholeResult | Failed): Figure[] {
  if (typeof whole === 'string' || whole.capacity === undefined) return [];
  if (typeof whole.capacity === 'string') return unmeasured(whole.capacity, [[`requests/s sustained at ${CAPACITY_RATE} requests/s offered`, undefined, 'req/s']]);
  return capacityFigures(whole.capacity.map((m) => m.load), CAPACITY_RATE);
}

function overHttpRow(options: BenchOptions, overHttp: PhaseMeasurement | Failed): Figure {
  const cpuMs = typeof overHttp === 'string' ? undefined : overHttp.cpuMs['embedded-over-http'];
  return {
    name: `CPU per request, whole embedded system with every hop over HTTP (--over-http), at ${options.rate} requests/s offered`,
    value: cpuMs === undefined ? undefined : cpuMs / options.requests,
    unit: 'ms',
    note: typeof overHttp === 'string' ? overHttp : 'the same, but sources POST to the broker and the broker to the functions, as in a cluster',
  };
}

function figuresOf(options: BenchOptions, whole: WholeResult | Failed, overHttp: PhaseMeasurement | Failed, split: PhaseMeasurement | Failed, watcher: WatcherFigures | Failed): Figure[] {
  const wholeCpu = wholeCpuOf(options, whole);
  const cpu = cpuFigures(wholeCpu, typeof split === 'string' ? undefined : split.cpuMs, options.requests);
  // The over-HTTP system right after the whole system's rows, before the parts'.
  cpu.splice(wholeCpu.length, 0, overHttpRow(options, overHttp));
  return [
    ...wholeFigures(options, whole),
    ...capacityRows(whole),
    ...cpu.map((f) => (typeof split === 'string' && f.budget === undefined ? { ...f, note: split } : f)),
    ...startFigures(whole, watcher),
    ...watcherFigures(watcher),
  ];
}

async function bench(options: BenchOptions): Promise<number> {
  const loadBefore = loadavg()[0] ?? 0;
  const dir = await mkdtemp(join(tmpdir(), 'bench-'));
  const bundles = buildBundles();
  try {
    const namespaces = { service: await serviceNamespaceOfInstall(), pipelineRuns: await pipelineRunNamespaceOfInstall() };
    const profiles = options.cpuProfileDir === undefined ? {} : { cpuProfileDir: resolve(options.cpuProfileDir) };
    if (profiles.cpuProfileDir !== undefined) await mkdir(profiles.cpuProfileDir, { recursive: true });
    const whole = await attempt('the whole-system phase', () => wholePhase({ dir: join(dir, 'whole'), ports: portPlan(), namespaces, ...profiles }, options, bundles));
    const overHttp = await attempt('the over-HTTP phase', async () => overHttpPhase({ dir: join(dir, 'over-http'), ports: portPlan(await freePortBase(PORTS_USED)), namespaces, ...profiles }, options));
    const split = await attempt('the split phase', async () => splitPhase({ dir: join(dir, 'split'), ports: portPlan(await freePortBase(PORTS_USED)), namespaces, ...profiles }, options));
    progress(`the remote watcher: cold start, then ${WATCHED_REQUESTS} InternalRequests`);
    const watcher = await attempt('the watcher phase', async () => measureWatcher((await bundles).file(WATCHER_BUNDLE), dir, COLD_START_TRIALS));
    progress('done');
    const judged = judge(figuresOf(options, whole, overHttp, split, watcher), options);
    const seconds = (performance.now() - benchStarted) / 1000;
    const caption = `${options.requests} requests per phase at ${options.rate} requests/s offered; Node ${process.version}, ${cpus().length} CPUs, load average (1 min) ${loadBefore.toFixed(2)} before → ${(loadavg()[0] ?? 0).toFixed(2)} after; ${seconds.toFixed(0)} s`;
    process.stdout.write(`${caption}\n\n${formatTable(judged)}\n`);
    if (options.json !== undefined) {
      await writeFile(options.json, `${JSON.stringify({ measuredAt: new Date().toISOString(), node: process.version, cpus: cpus().length, loadAverage: { before: loadBefore, after: loadavg()[0] }, seconds, options, figures: judged }, null, 2)}\n`);
    }
    const failures = budgetFailures(judged);
    if (!options.check || failures.length === 0) return 0;
    process.stderr.write(`\nover budget:\n${failures.map((line) => `  ${line}`).join('\n')}\n`);
    return 1;
  } finally {
    await bundles.then((b) => b.remove(), () => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}

try {
  const command = parseBenchArgs(process.argv.slice(2));
  if (command.kind === 'help') {
    process.stdout.write(`${BENCH_USAGE}\n`);
  } else {
    process.env.LOG_LEVEL ??= 'silent';
    process.exitCode = await bench(command.options);
  }
} catch (err) {
  if (!(err instanceof BenchUsageError)) throw err;
  process.stderr.write(`npm run bench: ${err.message}\n\n${BENCH_USAGE}\n`);
  process.exitCode = 2;
}
