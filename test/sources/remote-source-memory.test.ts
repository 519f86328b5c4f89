/**
 * Measurement: the remote watcher's peak memory (RSS) while it starts against 10,000 InternalRequests,
 * against its budget. It runs its bundle, as the image does (`node dist/bundles/remote-source.mjs`),
 * with the heap its pod gives it, and sends one `add` per object to a sink that only counts them.
 * Linux only: it reads /proc.
 *
 *   npm test -- test/sources/remote-source-memory.test.ts
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, createServer, request } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { startApiServer } from '../../local/apiserver/index.js';
import type { ApiServer } from '../../local/apiserver/index.js';
import { WATCHER_BUNDLE } from '../../functions/bundle.js';
import { buildBundles } from '../support/bundles.js';
import type { BuiltBundles } from '../support/bundles.js';
import { eventually, internalRequest } from './support/cluster.js';

const OBJECTS = 10_000;
const BUDGET_MB = 80;
/**
 * The heap Node gives the watcher in its pod. Node sizes V8 from the container's memory limit
 * (POD_MEMORY_LIMIT): old space max(limit / 2, 256 MB) = 256 MB, which also sets the slowest heap
 * growth, and 1 MB semi-spaces, V8's minimum. Without a limit, as on a workstation, V8 allows 16 MB
 * semi-spaces and four-fold heap growth, and the same run peaks near 130 MB: a heap the pod never has.
 */
const POD_HEAP_FLAGS = ['--max-old-space-size=256', '--max-semi-space-size=1'];
const POD_MEMORY_LIMIT = '192Mi';
const describeOnLinux = process.platform === 'linux' ? describe : describe.skip;

/** Creates the objects many at a time over kept-alive connections: the set-up is not what is measured. */
async function createMany(server: ApiServer, count: number): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const create = (i: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const req = request(`${server.url}/apis/appstudio.redhat.com/v1alpha1/namespaces/tenant/internalrequests`, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 201 ? resolve() : reject(new Error(`create ${i}: HTTP ${res.statusCode}`))));
      });
      req.on('error', reject);
      req.end(JSON.stringify(internalRequest(`ir-${i}`)));
    });
  let next = 0;
  await Promise.all(Array.from({ length: 32 }, async () => {
    while (next < count) await create(next++);
  }));
  agent.destroy();
}

/** A sink that answers 202 and counts the `add` events it got. */
async function countingSink(): Promise<{ server: Server; url: string; adds: () => number }> {
  let adds = 0;
  const server = createServer((req, res) => {
    if (req.headers['ce-type'] === 'dev.knative.apiserver.resource.add') adds += 1;
    req.resume();
    req.on('end', () => res.writeHead(202).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, adds: () => adds };
}

/** Peak resident set size of a process, in MB (VmHWM). */
function peakRssMb(pid: number): number {
  const kb = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) / 1024;
}

describeOnLinux('remote-source memory at start-up (measurement)', () => {
  let server: ApiServer;
  let sink: Awaited<ReturnType<typeof countingSink>>;
  let bundles: BuiltBundles;
  let dir: string;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    [server, sink, bundles, dir] = await Promise.all([
      startApiServer({ name: 'public', crdFiles: ['knative/crds/internalrequests.yaml'], namespaces: ['tenant'] }),
      countingSink(),
      buildBundles(),
      mkdtemp(join(tmpdir(), 'remote-source-memory-')),
    ]);
    await server.writeKubeconfig(join(dir, 'kubeconfig'));
    await createMany(server, OBJECTS);
  }, 60_000);
  afterAll(async () => {
    child?.kill('SIGKILL'); // only does anything when the test failed before stopping it
    await new Promise<void>((resolve) => sink.server.close(() => resolve()));
    await server.stop();
    await bundles.remove();
    await rm(dir, { recursive: true, force: true });
  });

  it(`when it starts against ${OBJECTS} InternalRequests, then its peak RSS stays within ${BUDGET_MB} MB`, async () => {
    const started = performance.now();
    const watcher = spawn(process.execPath, [...POD_HEAP_FLAGS, bundles.file(WATCHER_BUNDLE)], {
      env: { PATH: process.env['PATH'] ?? '', NODE_ENV: 'production', REMOTE_KUBECONFIG: join(dir, 'kubeconfig'), K_SINK: sink.url },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child = watcher;
    let stderr = '';
    watcher.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => watcher.on('exit', (code) => resolve(code)));
    await eventually(() => sink.adds() >= OBJECTS || watcher.exitCode !== null, `${OBJECTS} adds at the sink`, 80_000);
    const peakMb = peakRssMb(watcher.pid ?? 0);
    console.log(`remote-source start-up with ${OBJECTS} InternalRequests (node ${POD_HEAP_FLAGS.join(' ')}): peak RSS ${peakMb.toFixed(1)} MB (budget ${BUDGET_MB} MB), ${sink.adds()} adds in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    watcher.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toBe('');
    expect(sink.adds()).toBe(OBJECTS);
    expect(peakMb).toBeLessThanOrEqual(BUDGET_MB);
  }, 90_000); // about 5 s alone on two cores; far longer while other suites share them

  it(`when the watcher's pod is deployed, then its memory limit is the ${POD_MEMORY_LIMIT} its heap flags above stand for`, () => {
    const source = parseAllDocuments(readFileSync('knative/private/remote-source.yaml', 'utf8'))
      .map((doc) => doc.toJS() as { kind?: string; spec?: { template?: { spec?: { containers?: Array<{ resources?: { limits?: { memory?: string } } }> } } } })
      .find((object) => object.kind === 'ContainerSource');
    expect(source?.spec?.template?.spec?.containers?.[0]?.resources?.limits?.memory).toBe(POD_MEMORY_LIMIT);
  });
});
