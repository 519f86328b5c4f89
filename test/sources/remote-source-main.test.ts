import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INTERNAL_REQUESTS } from '../../shared/api/internal-request.js';
import { eventually, internalRequest, startTestCluster } from './support/cluster.js';
import type { TestCluster } from './support/cluster.js';
import { TestSink } from './support/test-sink.js';

let cluster: TestCluster;
let sink: TestSink;
let dir: string;

beforeAll(async () => {
  cluster = await startTestCluster();
  sink = await TestSink.start();
  dir = await mkdtemp(join(tmpdir(), 'remote-source-main-'));
  await cluster.server.writeKubeconfig(join(dir, 'kubeconfig'));
});
afterAll(async () => {
  await sink.stop();
  await cluster.server.stop();
  await rm(dir, { recursive: true, force: true });
});

interface Started {
  child: ChildProcessWithoutNullStreams;
  lines: Array<Record<string, unknown>>;
  stderr: () => string;
  exited: Promise<number | null>;
}

function startMain(env: Record<string, string>): Started {
  const child = spawn(process.execPath, ['--import', 'tsx', 'sources/remote-source/main.ts'], { env: { PATH: process.env['PATH'] ?? '', ...env } });
  const lines: Array<Record<string, unknown>> = [];
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    const complete = out.split('\n');
    out = complete.pop() ?? '';
    for (const line of complete) lines.push(JSON.parse(line) as Record<string, unknown>);
  });
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, lines, stderr: () => err, exited };
}

describe('remote-source command', () => {
  it('when it gets SIGTERM, then it stops watching, finishes the send in flight and exits 0', async () => {
    await cluster.port.create(INTERNAL_REQUESTS, 'tenant', internalRequest('cli-existing'));
    const main = startMain({ REMOTE_KUBECONFIG: join(dir, 'kubeconfig'), K_SINK: sink.url, K_CE_OVERRIDES: '{"extensions":{"cluster":"public"}}' });
    await sink.waitFor((events) => events.some((e) => e.headers['ce-name'] === 'cli-existing'), 'the initial add', 20_000);
    expect(sink.received[0]?.headers['ce-cluster']).toBe('public');
    const release = sink.holdResponses();
    await cluster.port.create(INTERNAL_REQUESTS, 'tenant', internalRequest('cli-in-flight'));
    await eventually(() => sink.held === 1, 'the send to reach the sink');
    main.child.kill('SIGTERM');
    await eventually(() => main.lines.some((l) => l['message'] === 'shutting down'), 'the shutdown to begin');
    release();
    await expect(main.exited).resolves.toBe(0);
    expect(sink.received.map((e) => e.headers['ce-name'])).toContain('cli-in-flight');
    expect(main.lines.find((l) => l['message'] === 'stopped')).toMatchObject({ component: 'remote-source', sent: 2, lost: 0 });
  }, 30_000);

  it('when the API server refuses its token, then it logs why and exits 1, so that a restart picks up a rotated Secret', async () => {
    const guarded = await startTestCluster({ tokens: { 'good-token': [{ verbs: ['*'], resources: ['*'] }] } });
    await guarded.server.writeKubeconfig(join(dir, 'revoked.kubeconfig'), { token: 'revoked-token' });
    const main = startMain({ REMOTE_KUBECONFIG: join(dir, 'revoked.kubeconfig'), K_SINK: sink.url });
    try {
      await eventually(() => main.child.exitCode !== null, 'the command to exit', 20_000);
      await expect(main.exited).resolves.toBe(1);
      expect(main.lines.find((l) => l['level'] === 'error' && l['message'] === 'stopped: the watch ended')).toMatchObject({
        error: `${guarded.server.url} refused the credentials (401 Unauthorized): Unauthorized`,
      });
      expect(guarded.server.requests.count({ verb: 'list', resource: 'internalrequests' })).toBe(1);
    } finally {
      main.child.kill('SIGKILL'); // only does anything when it did not exit
      await guarded.server.stop();
    }
  }, 30_000);

  it('when the configuration is unusable, then it prints why with the usage and exits 2', async () => {
    const main = startMain({ K_CE_OVERRIDES: '{}' });
    await expect(main.exited).resolves.toBe(2);
    expect(main.stderr()).toMatch(/no sink: set K_SINK or --sink[\s\S]*Usage: remote-source/);
  }, 30_000);
});
