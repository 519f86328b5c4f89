/**
 * The fault matrix (docs/fault-matrix.md): one system (`npm start` against two API servers, each client
 * through hops of its own, support/fault-bed.ts), one fault per row, and for each row the same
 * expectation: every request completes, no request ever gets a second PipelineRun, no run is left.
 * Rows run one after another on the same system; each creates its own requests and is judged on them.
 * Time that the faults would cost is injected, never waited for: the broker's retries go at once (or are
 * held while an outage is staged), and the resync sweep runs when the test moves its clock, which it does
 * only once the system has settled with work still undone.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { performance } from 'node:perf_hooks';
import type { FunctionName } from '../../local/embedded/index.js';
import { until } from '../support/until.js';
import type { Call } from './support/api-hop.js';
import { startFaultBed } from './support/fault-bed.js';
import type { ClusterName, FaultBed } from './support/fault-bed.js';
import { runFunctionsOutOfProcess } from './support/out-of-process.js';
import { matrixTable } from './support/matrix-table.js';
import type { RowFigures } from './support/matrix-table.js';
import { RowRequests } from './support/row-requests.js';
import { between, seededRandom } from './support/seeded-random.js';

const SEED = 20_250_807;
/** Requests per row (sized for two cores: the local runner executes two runs at a time). */
const REQUESTS = 20;
/** Row a handles each event three times on average: fewer requests make as much work. */
const DUPLICATED_REQUESTS = 10;
const SWEEP_PERIOD_MS = 60_000;
/** Sweeps a row may use before it is judged: two repair any lost event (ADR 0010); more, a loss of the repairs' own events. */
const MAX_SWEEPS = 5;
const DUPLICATES = { min: 1, max: 5 };
const LOST_EVENT_SHARE = 0.3;
const FAILED_CALL_SHARE = 0.2;
const ROW_TIMEOUT_MS = 90_000;
const KILL_TIMEOUT_MS = 30_000;

interface Boundary {
  fn: FunctionName;
  /** What the function has just done when it dies. */
  after: string;
  /** The cluster of that last call, and the call. */
  cluster: ClusterName;
  call: (call: Call) => boolean;
  /**
   * What brings the function to that call: a new request; a new request from a namespace the allow list
   * leaves out; deleting a request whose run still goes; or a sweep.
   */
  via: 'create' | 'refuse' | 'delete-running' | 'sweep';
}

const is = (verb: string, resource: string, says?: string) => (call: Call): boolean =>
  call.verb === verb && call.resource === resource && (says === undefined || call.body.includes(says));

/**
 * Every point between two cluster calls of a function where its state on the clusters changes, or where
 * it is about to reply. A call is told by its verb and resource and, where a function makes more than one
 * of a kind, by what only that write carries: `Running` (the creator's status), `completionTime` (a final
 * status, whether written as a merge patch or as a JSON patch with tests).
 */
const BOUNDARIES: Boundary[] = [
  { fn: 'admission', after: 'added the finalizer', cluster: 'public', call: is('patch', 'internalrequests'), via: 'create' },
  { fn: 'admission', after: 'added the finalizer to a request it refuses, before writing Rejected', cluster: 'public', call: is('patch', 'internalrequests'), via: 'refuse' },
  { fn: 'admission', after: 'read the config, before replying `admitted`', cluster: 'internal', call: is('get', 'internalservicesconfigs'), via: 'create' },
  { fn: 'pipelinerun-creator', after: 'created the PipelineRun, before marking the request Running', cluster: 'internal', call: is('create', 'pipelineruns'), via: 'create' },
  { fn: 'pipelinerun-creator', after: 'marked the request Running', cluster: 'public', call: is('patch', 'internalrequests/status', '"Running"'), via: 'create' },
  { fn: 'status-relay', after: 'wrote the final status, before replying `completed`', cluster: 'public', call: is('patch', 'internalrequests/status', 'completionTime'), via: 'create' },
  { fn: 'cleanup', after: 'deleted the PipelineRun', cluster: 'internal', call: is('delete', 'pipelineruns'), via: 'create' },
  { fn: 'cleanup', after: 'cancelled the run of a request being deleted, before removing the finalizer', cluster: 'internal', call: is('patch', 'pipelineruns'), via: 'delete-running' },
  { fn: 'cleanup', after: 'removed the finalizer of a request being deleted', cluster: 'public', call: is('patch', 'internalrequests'), via: 'delete-running' },
  { fn: 'resync', after: 'listed the PipelineRuns, before listing the requests', cluster: 'internal', call: is('list', 'pipelineruns'), via: 'sweep' },
];

function withDeadline<T>(work: Promise<T>, what: string, ms = KILL_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

const sum = (values: Iterable<number>): number => [...values].reduce((total, value) => total + value, 0);

describe('the fault matrix: every request completes, with one PipelineRun, and none is left', () => {
  let bed: FaultBed;
  const figures: RowFigures[] = [];

  beforeAll(async () => {
    process.env.LOG_LEVEL ??= 'silent';
    bed = await startFaultBed({ sweepPeriodMs: SWEEP_PERIOD_MS, seed: SEED });
  }, 60_000);

  afterAll(async () => {
    if (figures.length > 0) console.log(`fault matrix (seed ${SEED}):\n\n${matrixTable(figures)}\n`);
    await bed?.stop();
  });

  /** Settles, and sweeps while the row's work is undone; resolves with the sweeps it took. */
  async function finish(requests: RowRequests): Promise<number> {
    for (let sweeps = 0; ; sweeps++) {
      await bed.settle();
      if (sweeps >= MAX_SWEEPS || (await requests.finished())) return sweeps;
      await bed.sweep();
    }
  }

  /**
   * What has to be there before the kill is armed: a request whose run goes on until it is cancelled, or
   * a finished request for the sweep to list. Resolves with that request's name and the sweeps it took.
   */
  async function prepare(requests: RowRequests, via: Boundary['via']): Promise<{ request: string; sweeps: number }> {
    if (via === 'delete-running') {
      const [request = ''] = await requests.create(1, 'until-cancelled');
      await until(async () => (await requests.state(request)) === 'Running', `${request} to run`);
      return { request, sweeps: 0 };
    }
    if (via !== 'sweep') return { request: '', sweeps: 0 };
    const [request = ''] = await requests.create(1);
    return { request, sweeps: await finish(requests) };
  }

  /** What brings the function to the boundary's call. */
  async function act(requests: RowRequests, via: Boundary['via'], prepared: string): Promise<void> {
    if (via === 'create') await requests.create(1);
    else if (via === 'refuse') await requests.create(1, 'refused');
    else if (via === 'delete-running') await requests.delete(prepared);
    else await bed.sweep();
  }

  /** Starts measuring a row: what it needs to know of the counters before it. */
  function begin(): () => { deadLetters: number; ms: number } {
    const deadLetters = bed.system.broker.deadLetters.length;
    const started = performance.now();
    return () => ({ deadLetters: bed.system.broker.deadLetters.length - deadLetters, ms: performance.now() - started });
  }

  async function record(row: string, faults: string, requests: RowRequests, sweeps: number, ended: () => { deadLetters: number; ms: number }): Promise<RowFigures> {
    const measured = { row, faults, sweeps, ...ended(), ...(await requests.outcome()) };
    figures.push(measured);
    return measured;
  }

  function expectClean(row: RowFigures): void {
    expect(row.unfinished).toEqual([]);
    expect({ completed: row.completed, duplicateRuns: row.duplicateRuns, leftoverRuns: row.leftoverRuns, withoutRun: row.withoutRun })
      .toEqual({ completed: row.requests, duplicateRuns: 0, leftoverRuns: 0, withoutRun: 0 });
    expect(bed.runs.ended).toBeUndefined();
  }

  it(`when every event is delivered ${DUPLICATES.min}–${DUPLICATES.max} times, then every request completes with one PipelineRun and none is left`, async () => {
    const ended = begin();
    const hops = Object.values(bed.deliveries);
    const [deliveries, sent] = [sum(hops.map((h) => h.deliveries)), sum(hops.map((h) => h.sent))];
    const random = seededRandom(SEED);
    for (const hop of hops) hop.copies = () => between(random, DUPLICATES.min, DUPLICATES.max);
    const requests = new RowRequests(bed, 'a');
    await requests.create(DUPLICATED_REQUESTS);
    const sweeps = await finish(requests);
    for (const hop of hops) hop.copies = () => 1;
    const made = sum(hops.map((h) => h.deliveries)) - deliveries;
    const copies = sum(hops.map((h) => h.sent)) - sent;
    const row = await record('a. every event delivered 1–5 times', `${made} deliveries sent ${copies} times (${(copies / made).toFixed(1)} each)`, requests, sweeps, ended);
    expectClean(row);
    expect(copies).toBeGreaterThan(made);
  }, ROW_TIMEOUT_MS);

  it(`when ${LOST_EVENT_SHARE * 100}% of both watchers' events are lost, then the resync sweep repairs them: every request completes with one PipelineRun and none is left`, async () => {
    const ended = begin();
    const [dropped, kept] = [sum(Object.values(bed.sourceHop.dropped)), sum(Object.values(bed.sourceHop.kept))];
    bed.sourceHop.dropShare = LOST_EVENT_SHARE;
    const requests = new RowRequests(bed, 'b');
    await requests.create(REQUESTS);
    const sweeps = await finish(requests);
    bed.sourceHop.dropShare = 0;
    const lost = sum(Object.values(bed.sourceHop.dropped)) - dropped;
    const seen = lost + sum(Object.values(bed.sourceHop.kept)) - kept;
    const row = await record(`b. ${LOST_EVENT_SHARE * 100}% of watch events lost`, `${lost} of ${seen} watch events lost`, requests, sweeps, ended);
    expectClean(row);
    expect(lost).toBeGreaterThan(0);
  }, ROW_TIMEOUT_MS);

  it(`when ${FAILED_CALL_SHARE * 100}% of API calls are answered 500, 503 or 429, then every request completes with one PipelineRun and none is left`, async () => {
    const ended = begin();
    const hops = [bed.functionHops.public, bed.functionHops.internal, bed.watcherHop];
    const calls = sum(hops.map((h) => h.calls.count()));
    const failed = sum(hops.map((h) => sum(Object.values(h.failures))));
    for (const hop of hops) hop.failShare = FAILED_CALL_SHARE;
    const requests = new RowRequests(bed, 'c');
    await requests.create(REQUESTS);
    const sweeps = await finish(requests);
    for (const hop of hops) hop.failShare = 0;
    const made = sum(hops.map((h) => h.calls.count())) - calls;
    const refused = sum(hops.map((h) => sum(Object.values(h.failures)))) - failed;
    const row = await record(`c. ${FAILED_CALL_SHARE * 100}% of API calls fail (500, 503, 429)`, `${refused} of ${made} calls of the functions and watchers failed`, requests, sweeps, ended);
    expectClean(row);
    expect(refused).toBeGreaterThan(0);
  }, ROW_TIMEOUT_MS);

  it("when a function's process is killed at each step boundary and started again, then the broker's retries and the sweep finish every request, with one PipelineRun, and none is left", async () => {
    const ended = begin();
    const retries = bed.gate.waits;
    const functions = await runFunctionsOutOfProcess(bed);
    try {
      const requests = new RowRequests(bed, 'd');
      let sweeps = 0;
      for (const boundary of BOUNDARIES) {
        const prepared = await prepare(requests, boundary.via);
        sweeps += prepared.sweeps;
        const died = functions.killAfter(boundary.fn, boundary.cluster, boundary.call);
        await act(requests, boundary.via, prepared.request);
        await withDeadline(died, `${boundary.fn} to have ${boundary.after}`);
        await functions.restart(boundary.fn);
        sweeps += await finish(requests);
      }
      const faults = `${functions.kills} kills, one at each of ${BOUNDARIES.length} boundaries of ${new Set(BOUNDARIES.map((b) => b.fn)).size} functions; ${bed.gate.waits - retries} broker retries`;
      const row = await record("d. a function's process killed at each step boundary", faults, requests, sweeps, ended);
      expectClean(row);
      expect(functions.kills).toBe(BOUNDARIES.length);
    } finally {
      await functions.stop();
    }
  }, 150_000);

  it('when each API server is restarted mid-run, then every request completes with one PipelineRun and none is left', async () => {
    const ended = begin();
    const hops = bed.functionHops;
    // The functions make some 4–6 calls per request on each cluster: two per request is well into the run.
    const [publicAt, internalAt] = [hops.public.calls.count() + REQUESTS * 2, hops.internal.calls.count() + REQUESTS * 2];
    const requests = new RowRequests(bed, 'e');
    await requests.create(REQUESTS);
    await withDeadline(hops.public.afterCalls(publicAt), 'the functions to be mid-run on the public cluster');
    const publicCut = await bed.restart('public');
    await withDeadline(hops.internal.afterCalls(internalAt), 'the functions to be mid-run on the internal cluster');
    const internalCut = await bed.restart('internal');
    const sweeps = await finish(requests);
    const cut = (what: string, c: { calls: number; watches: number }): string => `${what} (${c.calls} calls in flight and ${c.watches} watches cut)`;
    const faults = `${cut('public restarted', publicCut)}, then ${cut('internal', internalCut)}; watch history gone`;
    const row = await record('e. each API server restarted mid-run', faults, requests, sweeps, ended);
    expectClean(row);
  }, ROW_TIMEOUT_MS);
});
