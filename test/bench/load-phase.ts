/**
 * One load phase: the system (in one process, or split into parts) warmed up, then offered `requests`
 * at `rate`, and measured from the first create until it has settled: every request completed, every
 * PipelineRun deleted, every part idle and no API call for a while.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RequestCount } from '../../local/apiserver/index.js';
import { PIPELINE_RUNS } from '../../shared/api/index.js';
import { INSTANT_PIPELINE, PIPELINES, TENANT_NAMESPACE, collectionPath } from './instant-pipeline.js';
import { offerLoad } from './load.js';
import type { LoadResult } from './load.js';
import type { PartHost } from './part-hosts.js';
import type { ClusterName, PartName, SystemInfo } from './parts.js';

/** No API call on either cluster for this long (with every part idle) counts as settled. */
const QUIET_MS = 300;
const SETTLE_TIMEOUT_MS = 30_000;

export interface PhaseOptions {
  requests: number;
  rate: number;
  /** Requests offered first, and not measured: clients, caches and the JIT warm up. */
  warmup: number;
  /** Names this phase's requests. */
  run: string;
}

export interface PhaseMeasurement {
  load: LoadResult;
  /** API calls served over the measured window, the bench's own included (see load.ownCalls). */
  requests: Record<ClusterName, RequestCount[]>;
  /** CPU each host used over the measured window, in ms. */
  cpuMs: Partial<Record<PartName, number>>;
  /** PipelineRuns still there once settled. */
  runsLeft: number | undefined;
  /** Set when the phase did not settle. */
  settleNote?: string;
}

export class PhaseError extends Error {
  override name = 'PhaseError';
}

export function countOf(rows: readonly RequestCount[], verb: string, resource: string): number {
  return rows.filter((row) => row.verb === verb && row.resource === resource).reduce((sum, row) => sum + row.count, 0);
}

function totalOf(requests: Record<ClusterName, RequestCount[]>): number {
  return [...requests.public, ...requests.internal].reduce((sum, row) => sum + row.count, 0);
}

async function createPipeline(info: SystemInfo): Promise<void> {
  const res = await fetch(`${info.internalServer}${collectionPath(PIPELINES, TENANT_NAMESPACE)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(INSTANT_PIPELINE),
  });
  if (res.status !== 201 && res.status !== 409) throw new PhaseError(`creating the bench's Pipeline: HTTP ${res.status} ${await res.text()}`);
}

async function runsLeft(info: SystemInfo): Promise<number | undefined> {
  const res = await fetch(`${info.internalServer}${collectionPath(PIPELINE_RUNS, info.pipelineRunNamespace)}`);
  if (!res.ok) return undefined;
  return ((await res.json()) as { items?: unknown[] }).items?.length;
}

/** Waits until every run created is deleted and nothing moves; the counts as they then are. */
async function settle(hosts: readonly PartHost[], clusters: PartHost): Promise<{ requests: Record<ClusterName, RequestCount[]>; note?: string }> {
  const deadline = performance.now() + SETTLE_TIMEOUT_MS;
  let lastTotal = -1;
  let quietSince = performance.now();
  for (;;) {
    await Promise.all(hosts.map((host) => host.idle()));
    const requests = await clusters.requests();
    const total = totalOf(requests);
    const created = countOf(requests.internal, 'create', PIPELINE_RUNS.plural);
    const deleted = countOf(requests.internal, 'delete', PIPELINE_RUNS.plural);
    if (total !== lastTotal) {
      lastTotal = total;
      quietSince = performance.now();
    } else if (deleted >= created && performance.now() - quietSince >= QUIET_MS) {
      return { requests };
    }
    if (performance.now() > deadline) {
      return { requests, note: `not settled after ${SETTLE_TIMEOUT_MS / 1000} s: ${deleted} of ${created} PipelineRuns deleted` };
    }
    await sleep(50);
  }
}

async function cpuOf(hosts: readonly PartHost[]): Promise<Partial<Record<PartName, number>>> {
  const samples = await Promise.all(hosts.map(async (host) => [host.part, await host.cpuMs()] as const));
  return Object.fromEntries(samples);
}

export async function measureUnderLoad(hosts: readonly PartHost[], options: PhaseOptions): Promise<PhaseMeasurement> {
  const clusters = hosts.find((host) => host.info !== undefined);
  const info = clusters?.info;
  if (clusters === undefined || info === undefined) throw new PhaseError('no host runs the API servers');
  await createPipeline(info);
  const drainTimeoutMs = Math.max(30_000, (4 * options.requests * 1000) / options.rate);
  if (options.warmup > 0) {
    await offerLoad({ server: info.publicServer, requests: options.warmup, rate: options.rate, run: `${options.run}-warmup`, drainTimeoutMs });
    await settle(hosts, clusters);
  }
  await clusters.resetRequests();
  const before = await cpuOf(hosts);
  const load = await offerLoad({ server: info.publicServer, requests: options.requests, rate: options.rate, run: options.run, drainTimeoutMs });
  const settled = await settle(hosts, clusters);
  const after = await cpuOf(hosts);
  const cpuMs = Object.fromEntries(Object.entries(after).map(([part, ms]) => [part, ms - (before[part as PartName] ?? 0)]));
  return { load, requests: settled.requests, cpuMs, runsLeft: await runsLeft(info), ...(settled.note ? { settleNote: settled.note } : {}) };
}
