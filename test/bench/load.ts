/**
 * The bench's tenant: creates InternalRequests at a fixed offered rate (open loop: a slow system does not
 * slow the offer down) and learns when each completes from one watch opened before the first create, so
 * that waiting adds no API calls and no polling delay. Plain HTTP keeps its own cost small and its API
 * calls exact: one watch and one create per request, which the bench takes out of the system's counts.
 */
import { Agent, request } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { INTERNAL_REQUESTS } from '../../shared/api/index.js';
import { RUN_LABEL, TENANT_NAMESPACE, benchRequest, collectionPath } from './instant-pipeline.js';

export interface LoadOptions {
  /** The public API server's URL. */
  server: string;
  requests: number;
  /** Requests offered per second. */
  rate: number;
  /** Names the phase: the requests are `<run>-<i>` and carry it in a label. */
  run: string;
  /** How long to wait for the last completion after the last create. */
  drainTimeoutMs: number;
}

export interface LoadResult {
  /** create sent → final condition seen, of each completed request, in ms. */
  latenciesMs: number[];
  /** Final reasons seen (Succeeded, Failed, Rejected, …) and how many. */
  outcomes: Record<string, number>;
  completed: number;
  /** From the first create to the last completion, in s. */
  spanSeconds: number;
  /** From the first create to the last, in s: how well the offer kept its rate. */
  offerSeconds: number;
  createFailures: string[];
  /** The bench's own calls on the public cluster, to take out of the system's counts. */
  ownCalls: { 'create internalrequests': number; 'watch internalrequests': number };
}

interface WatchedRequest {
  metadata?: { name?: string };
  status?: { conditions?: Array<{ type: string; status: string; reason?: string }> };
}

class LoadTimeoutError extends Error {
  override name = 'LoadTimeoutError';
}

function finalReason(object: WatchedRequest): string | undefined {
  const condition = object.status?.conditions?.find((c) => c.type === 'Succeeded');
  if (!condition || (condition.status === 'False' && condition.reason === 'Running')) return undefined;
  return condition.status === 'True' ? 'Succeeded' : (condition.reason ?? 'Unknown');
}

/** Calls `onObject` for each object of a watch stream; resolves once the server answered the watch. */
function openWatch(url: string, agent: Agent, onObject: (object: WatchedRequest) => void): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`watch answered ${res.statusCode}`));
        res.resume();
        return;
      }
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let newline: number;
        while ((newline = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(newline + 1);
          if (line.trim() !== '') onObject((JSON.parse(line) as { object: WatchedRequest }).object);
        }
      });
      resolve(res);
    });
    req.on('error', reject);
    req.end();
  });
}

function create(url: string, agent: Agent, body: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve(res.statusCode === 201 ? undefined : `HTTP ${res.statusCode}: ${text.slice(0, 200)}`));
    });
    req.on('error', (err) => resolve(err.message));
    req.end(body);
  });
}

export async function offerLoad(options: LoadOptions): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const path = collectionPath(INTERNAL_REQUESTS, TENANT_NAMESPACE);
  const sentAt = new Map<string, number>();
  const latenciesMs: number[] = [];
  const outcomes: Record<string, number> = {};
  let lastCompletion = 0;
  let allDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (allDone = resolve));
  const onObject = (object: WatchedRequest): void => {
    const name = object.metadata?.name ?? '';
    const sent = sentAt.get(name);
    const reason = finalReason(object);
    if (sent === undefined || reason === undefined) return;
    sentAt.delete(name);
    lastCompletion = performance.now();
    latenciesMs.push(lastCompletion - sent);
    outcomes[reason] = (outcomes[reason] ?? 0) + 1;
    if (latenciesMs.length + createFailures.length === options.requests) allDone();
  };
  const createFailures: string[] = [];
  const selector = encodeURIComponent(`${RUN_LABEL}=${options.run}`);
  const watch = await openWatch(`${options.server}${path}?watch=true&labelSelector=${selector}`, agent, onObject);
  const creates: Array<Promise<void>> = [];
  const interval = 1000 / options.rate;
  const first = performance.now();
  let last = first;
  for (let i = 0; i < options.requests; i++) {
    const due = first + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const name = `${options.run}-${i}`;
    last = performance.now();
    sentAt.set(name, last);
    creates.push(create(`${options.server}${path}`, agent, JSON.stringify(benchRequest(name, options.run))).then((failure) => {
      if (failure === undefined) return;
      sentAt.delete(name);
      createFailures.push(`${name}: ${failure}`);
      if (latenciesMs.length + createFailures.length === options.requests) allDone();
    }));
  }
  await Promise.all(creates);
  const giveUp = new AbortController();
  const timeout = sleep(options.drainTimeoutMs, 'timeout' as const, { signal: giveUp.signal }).catch(() => 'done' as const);
  const ended = await Promise.race([done.then(() => 'done' as const), timeout]);
  giveUp.abort();
  watch.destroy();
  agent.destroy();
  if (ended === 'timeout' && latenciesMs.length === 0) throw new LoadTimeoutError(`no request completed within ${options.drainTimeoutMs} ms of the last create`);
  return {
    latenciesMs,
    outcomes,
    completed: latenciesMs.length,
    spanSeconds: (lastCompletion - first) / 1000,
    offerSeconds: (last - first) / 1000,
    createFailures,
    ownCalls: { 'create internalrequests': options.requests, 'watch internalrequests': 1 },
  };
}
