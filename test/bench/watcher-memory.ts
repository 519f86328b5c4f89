/**
 * The remote watcher against a public API server of its own: its cold start with one InternalRequest
 * there, then its peak memory while it starts against 10,000 (as test/sources/remote-source-memory.test.ts
 * measures it): its bundle, as the image runs it, with the pod's heap, sending one `add` per object to a sink that only counts.
 */
import { spawn } from 'node:child_process';
import { createServer, Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startApiServer } from '../../local/apiserver/index.js';
import { CRD_DIR } from '../../local/embedded/project-paths.js';
import type { ApiServer } from '../../local/apiserver/index.js';
import { INTERNAL_REQUESTS } from '../../shared/api/index.js';
import { internalRequest } from '../sources/support/cluster.js';
import { watcherColdStart } from './cold-start.js';
import type { ColdStart } from './cold-start.js';
import { collectionPath } from './instant-pipeline.js';
import { POD_HEAP_FLAGS } from './pod-heap.js';
import { peakRssMb } from './proc.js';

export const WATCHED_REQUESTS = 10_000;
const NAMESPACE = 'tenant';
const CREATES_AT_ONCE = 32;
const GIVE_UP_MS = 120_000;

export interface WatcherFigures {
  coldStarts: ColdStart[];
  /** Peak RSS with WATCHED_REQUESTS requests, in MB; undefined off Linux. */
  peakRssMb: number | undefined;
  adds: number;
  seconds: number;
}

export class WatcherMemoryError extends Error {
  override name = 'WatcherMemoryError';
}

/** Creates requests `from`…`to - 1` many at a time over kept-alive connections: the set-up is not what is measured. */
async function createRange(server: ApiServer, from: number, to: number): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: CREATES_AT_ONCE });
  const url = `${server.url}${collectionPath(INTERNAL_REQUESTS, NAMESPACE)}`;
  const create = (i: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 201 ? resolve() : reject(new WatcherMemoryError(`create ${i}: HTTP ${res.statusCode}`))));
      });
      req.on('error', reject);
      req.end(JSON.stringify(internalRequest(`ir-${i}`, NAMESPACE)));
    });
  let next = from;
  await Promise.all(Array.from({ length: CREATES_AT_ONCE }, async () => {
    while (next < to) await create(next++);
  }));
  agent.destroy();
}

async function peakWith(main: string, kubeconfig: string, expected: number): Promise<{ peakRssMb: number | undefined; adds: number; seconds: number }> {
  let adds = 0;
  const sink = createServer((req, res) => {
    if (req.headers['ce-type'] === 'dev.knative.apiserver.resource.add') adds += 1;
    req.resume();
    req.on('end', () => res.writeHead(202).end());
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  const started = performance.now();
  const watcher = spawn(process.execPath, [...POD_HEAP_FLAGS, main], {
    env: { PATH: process.env['PATH'] ?? '', NODE_ENV: 'production', REMOTE_KUBECONFIG: kubeconfig, K_SINK: `http://127.0.0.1:${(sink.address() as AddressInfo).port}/` },
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  try {
    while (adds < expected && watcher.exitCode === null) {
      if (performance.now() - started > GIVE_UP_MS) throw new WatcherMemoryError(`${adds} of ${expected} adds after ${GIVE_UP_MS} ms`);
      await sleep(20);
    }
    return { peakRssMb: peakRssMb(watcher.pid ?? 0), adds, seconds: (performance.now() - started) / 1000 };
  } finally {
    const gone = new Promise<void>((resolve) => (watcher.exitCode !== null ? resolve() : watcher.once('exit', () => resolve())));
    watcher.kill('SIGKILL');
    await gone;
    sink.closeAllConnections();
    await new Promise<void>((resolve) => sink.close(() => resolve()));
  }
}

export async function measureWatcher(main: string, dir: string, coldStartTrials: number): Promise<WatcherFigures> {
  const server = await startApiServer({ name: 'public', crdFiles: [join(CRD_DIR, 'internalrequests.yaml')], namespaces: [NAMESPACE] });
  try {
    const kubeconfig = join(dir, 'watcher.kubeconfig');
    await server.writeKubeconfig(kubeconfig);
    await createRange(server, 0, 1);
    const coldStarts: ColdStart[] = [];
    for (let i = 0; i < coldStartTrials; i++) coldStarts.push(await watcherColdStart(main, { REMOTE_KUBECONFIG: kubeconfig }));
    await createRange(server, 1, WATCHED_REQUESTS);
    return { coldStarts, ...(await peakWith(main, kubeconfig, WATCHED_REQUESTS)) };
  } finally {
    await server.stop();
  }
}
