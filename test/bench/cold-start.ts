/**
 * Cold starts as a pod has them: a fresh `node` process on the bundle the image runs (functions/bundle.ts:
 * a function's bundle is functions-framework's command line with that one function), NODE_ENV=production
 * and the pod's heap; timed from the spawn to the answer to its first event,
 * with its resident memory read right then. `node -e 0`, timed from spawn to exit right before each
 * cold start, is the yardstick: the pair sees the same load on the machine, so their ratio holds up
 * better than either time alone.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { toBinaryMessage } from '../../shared/events/index.js';
import type { CloudEvent } from 'cloudevents';
import { freePortBase } from '../e2e/support/free-ports.js';
import { POD_HEAP_FLAGS } from './pod-heap.js';
import { rssMb } from './proc.js';

const POLL_MS = 2;
const GIVE_UP_MS = 30_000;

export interface ColdStart {
  /** Spawn → first event answered (a function) or received (the watcher's sink), in ms. */
  ms: number;
  /** `node -e 0`, spawn → exit, timed right before. */
  baselineMs: number;
  /** Resident memory right then, in MB; undefined off Linux. */
  rssMb: number | undefined;
  /** The function's HTTP answer to its first event. */
  status?: number;
}

export class ColdStartError extends Error {
  override name = 'ColdStartError';
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

async function stop(child: ChildProcess): Promise<void> {
  const gone = exited(child);
  child.kill('SIGKILL');
  await gone;
}

/** Spawn → exit of `node -e 0`, in ms. */
export async function nodeBaselineMs(): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await exited(child);
  return performance.now() - started;
}

/** The status of one POST, or undefined when nothing listens yet. */
function post(url: string, headers: Record<string, string>, body: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'POST', headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', () => resolve(undefined));
    req.end(body);
  });
}

export interface FunctionColdStartOptions {
  /** The function's bundle, `dist/bundles/<target>.mjs` in the image. */
  bundle: string;
  target: string;
  /** The pod's environment: kubeconfigs, namespaces, K_SINK. */
  env: Record<string, string>;
  event: CloudEvent<unknown>;
}

/** One cold start of one function: `node <bundle> --target=<name>`, as its Knative Service runs it. */
export async function functionColdStart(options: FunctionColdStartOptions): Promise<ColdStart> {
  const port = await freePortBase(1);
  const { headers, body } = toBinaryMessage(options.event);
  const baselineMs = await nodeBaselineMs();
  const args = [...POD_HEAP_FLAGS, options.bundle, `--target=${options.target}`, `--port=${port}`];
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    env: { PATH: process.env['PATH'] ?? '', NODE_ENV: 'production', ...options.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-2000)));
  try {
    for (;;) {
      const status = await post(`http://127.0.0.1:${port}/`, headers, body);
      if (status !== undefined) return { ms: performance.now() - started, baselineMs, rssMb: rssMb(child.pid ?? 0), status };
      if (child.exitCode !== null) throw new ColdStartError(`${options.target} exited with ${child.exitCode}: ${stderr}`);
      if (performance.now() - started > GIVE_UP_MS) throw new ColdStartError(`${options.target} answered nothing within ${GIVE_UP_MS} ms: ${stderr}`);
      await sleep(POLL_MS);
    }
  } finally {
    await stop(child);
  }
}

/** One cold start of the remote watcher's bundle: spawn → its first event at a sink of ours. */
export async function watcherColdStart(main: string, env: Record<string, string>): Promise<ColdStart> {
  let firstEvent: (() => void) | undefined;
  const arrived = new Promise<void>((resolve) => (firstEvent = resolve));
  const sink = createServer((req, res) => {
    firstEvent?.();
    req.resume();
    req.on('end', () => res.writeHead(202).end());
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  const sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/`;
  const baselineMs = await nodeBaselineMs();
  const started = performance.now();
  const child = spawn(process.execPath, [...POD_HEAP_FLAGS, main], {
    env: { PATH: process.env['PATH'] ?? '', NODE_ENV: 'production', ...env, K_SINK: sinkUrl },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-2000)));
  const giveUp = new AbortController();
  try {
    const ended = await Promise.race([
      arrived.then(() => 'event' as const),
      exited(child).then(() => 'exited' as const),
      sleep(GIVE_UP_MS, 'timeout' as const, { signal: giveUp.signal }),
    ]);
    if (ended !== 'event') throw new ColdStartError(`the watcher sent no event (${ended}): ${stderr}`);
    return { ms: performance.now() - started, baselineMs, rssMb: rssMb(child.pid ?? 0) };
  } finally {
    giveUp.abort();
    await stop(child);
    sink.closeAllConnections();
    await new Promise<void>((resolve) => sink.close(() => resolve()));
  }
}
