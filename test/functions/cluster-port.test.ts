import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApiServer } from '../../local/apiserver/index.js';
import type { ApiServer } from '../../local/apiserver/index.js';
import { PIPELINE_RUNS } from '../../shared/api/index.js';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AlreadyExistsError, ClusterUnreachableError, ConflictError, InvalidError, createClusterPort } from '../../shared/kube/index.js';
import { loadKubeAccess } from '../../shared/watch/index.js';
import type { ClusterPort } from '../../shared/kube/index.js';
import { startTestApiServer } from '../support/test-api-server.js';
import { kubeConfigOf } from './harness.js';

interface Run {
  metadata: { name: string; resourceVersion: string; labels?: Record<string, string>; finalizers?: string[] };
  spec: Record<string, unknown>;
  status?: Record<string, unknown>;
}

let server: ApiServer;
let port: ClusterPort;

function portFor(apiServer: ApiServer): ClusterPort {
  return createClusterPort(kubeConfigOf(apiServer), 'test');
}

const run = (name: string, labels: Record<string, string> = {}): object => ({
  apiVersion: 'tekton.dev/v1',
  kind: 'PipelineRun',
  metadata: { name, namespace: 'svc', labels },
  spec: { pipelineRef: { name: 'p' } },
});

beforeAll(async () => {
  server = await startTestApiServer({ name: 'test', crdFiles: ['local/crds/tekton.yaml'], namespaces: ['svc'] });
  port = portFor(server);
});
afterAll(() => server.stop());

describe('cluster port', () => {
  it('when an object is missing, then get gives undefined and delete succeeds', async () => {
    await expect(port.get(PIPELINE_RUNS, 'svc', 'missing')).resolves.toBeUndefined();
    await expect(port.delete(PIPELINE_RUNS, 'svc', 'missing')).resolves.toBeUndefined();
  });

  it('when an object is created twice, then the second create is AlreadyExistsError', async () => {
    await port.create(PIPELINE_RUNS, 'svc', run('twice'));
    await expect(port.create(PIPELINE_RUNS, 'svc', run('twice'))).rejects.toBeInstanceOf(AlreadyExistsError);
  });

  it('when listing with a label selector, then only matching objects come back', async () => {
    await port.create(PIPELINE_RUNS, 'svc', run('labelled', { team: 'a' }));
    const found = await port.list<Run>(PIPELINE_RUNS, 'svc', { labelSelector: 'team=a' });
    expect(found.map((r) => r.metadata.name)).toEqual(['labelled']);
    expect((await port.list<Run>(PIPELINE_RUNS, undefined)).length).toBeGreaterThanOrEqual(2);
  });

  it('when listing in pages, then each page holds at most the limit, one list call each, and together they hold every matching object once', async () => {
    const names = ['paged-1', 'paged-2', 'paged-3', 'paged-4', 'paged-5'];
    for (const name of names) await port.create(PIPELINE_RUNS, 'svc', run(name, { paged: 'yes' }));
    await port.create(PIPELINE_RUNS, 'svc', run('not-paged'));
    const lists = server.requests.count({ verb: 'list', resource: 'pipelineruns' });
    const pages: string[][] = [];
    for await (const page of port.listPages<Run>(PIPELINE_RUNS, 'svc', { labelSelector: 'paged=yes', limit: 2 })) pages.push(page.map((r) => r.metadata.name));
    expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
    expect(pages.flat().sort()).toEqual(names);
    expect(server.requests.count({ verb: 'list', resource: 'pipelineruns' }) - lists).toBe(3);
    const everywhere: string[] = [];
    for await (const page of port.listPages<Run>(PIPELINE_RUNS, undefined, { labelSelector: 'paged=yes', limit: 500 })) everywhere.push(...page.map((r) => r.metadata.name));
    expect(everywhere.sort()).toEqual(names);
  });

  it('when patching with a merge patch, then it is sent as application/merge-patch+json and merges', async () => {
    await port.create(PIPELINE_RUNS, 'svc', run('merged', { keep: 'yes' }));
    const patched = await port.patch<Run>(PIPELINE_RUNS, 'svc', 'merged', { merge: { metadata: { labels: { added: 'yes' } } } });
    expect(patched.metadata.labels).toEqual({ keep: 'yes', added: 'yes' });
  });

  it('when patching with a JSON patch, then its ops apply and a failing test op is InvalidError', async () => {
    const created = await port.create<Run>(PIPELINE_RUNS, 'svc', run('json'));
    const patched = await port.patch<Run>(PIPELINE_RUNS, 'svc', 'json', {
      json: [
        { op: 'test', path: '/metadata/resourceVersion', value: created.metadata.resourceVersion },
        { op: 'add', path: '/metadata/finalizers', value: ['f'] },
      ],
    });
    expect(patched.metadata.finalizers).toEqual(['f']);
    await expect(
      port.patch(PIPELINE_RUNS, 'svc', 'json', { json: [{ op: 'test', path: '/metadata/resourceVersion', value: '0' }] }),
    ).rejects.toBeInstanceOf(InvalidError);
    await port.patch(PIPELINE_RUNS, 'svc', 'json', { merge: { metadata: { finalizers: null } } });
  });

  it('when a merge patch names a stale resourceVersion, then it is ConflictError', async () => {
    const created = await port.create<Run>(PIPELINE_RUNS, 'svc', run('guarded'));
    await port.patch(PIPELINE_RUNS, 'svc', 'guarded', { merge: { metadata: { labels: { a: '1' } } } });
    const stale = { merge: { metadata: { resourceVersion: created.metadata.resourceVersion, labels: { b: '2' } } } };
    await expect(port.patch(PIPELINE_RUNS, 'svc', 'guarded', stale)).rejects.toBeInstanceOf(ConflictError);
  });

  it('when status is patched, then it goes through /status and the main endpoint leaves status alone', async () => {
    await port.create(PIPELINE_RUNS, 'svc', run('status'));
    // Fields of Tekton's own status schema, which a real server keeps (it prunes unknown ones).
    await port.patch(PIPELINE_RUNS, 'svc', 'status', { merge: { status: { completionTime: '2024-01-02T00:00:00Z' } } });
    const patched = await port.patchStatus<Run>(PIPELINE_RUNS, 'svc', 'status', { merge: { status: { startTime: '2024-01-01T00:00:00Z' } } });
    expect(patched.status).toEqual({ startTime: '2024-01-01T00:00:00Z' });
    expect(server.requests.count({ verb: 'patch', resource: 'pipelineruns/status' })).toBeGreaterThanOrEqual(1);
  });

  it('when an object is deleted, then it is gone', async () => {
    await port.create(PIPELINE_RUNS, 'svc', run('doomed'));
    await port.delete(PIPELINE_RUNS, 'svc', 'doomed');
    await expect(port.get(PIPELINE_RUNS, 'svc', 'doomed')).resolves.toBeUndefined();
  });

  it('when the kubeconfig is a file read by the light reader (as the functions read theirs), then the same calls work', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cluster-port-file-'));
    try {
      await server.writeKubeconfig(join(dir, 'kubeconfig'));
      const light = createClusterPort(() => loadKubeAccess(join(dir, 'kubeconfig')), 'light');
      const created = await light.create<Run>(PIPELINE_RUNS, 'svc', run('light'));
      await expect(light.get<Run>(PIPELINE_RUNS, 'svc', 'light')).resolves.toMatchObject({ metadata: { name: 'light' } });
      const patched = await light.patch<Run>(PIPELINE_RUNS, 'svc', 'light', { json: [{ op: 'test', path: '/metadata/resourceVersion', value: created.metadata.resourceVersion }, { op: 'add', path: '/metadata/labels', value: { via: 'light' } }] });
      expect(patched.metadata.labels).toEqual({ via: 'light' });
      await light.delete(PIPELINE_RUNS, 'svc', 'light');
      await expect(light.get(PIPELINE_RUNS, 'svc', 'light')).resolves.toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('when the API server cannot be reached, then ClusterUnreachableError', async () => {
    const gone = await startApiServer({ name: 'gone' });
    const unreachable = portFor(gone);
    await gone.stop();
    await expect(unreachable.get(PIPELINE_RUNS, 'svc', 'x')).rejects.toBeInstanceOf(ClusterUnreachableError);
  });
});

describe('the port\'s transport (docs/adr/0015)', () => {
  let fake: Server;
  let connections = 0;
  const seen: IncomingHttpHeaders[] = [];
  let dir: string;
  let kubeconfig: string;

  beforeAll(async () => {
    fake = createServer((req, res) => {
      seen.push(req.headers);
      req.resume();
      req.on('end', () => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ metadata: { name: 'x' } })));
    });
    fake.on('connection', () => (connections += 1));
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
    dir = await mkdtemp(join(tmpdir(), 'cluster-port-'));
    kubeconfig = join(dir, 'kubeconfig');
    const server = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
    await writeFile(kubeconfig, `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: '${server}', insecure-skip-tls-verify: true}}]\nusers: [{name: u, user: {token: t0k}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n`);
  });
  afterAll(async () => {
    fake.closeAllConnections();
    await new Promise<void>((resolve) => fake.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  });

  it('when calls follow each other, then they share one keep-alive connection, each with the kubeconfig\'s token, and client-node is not needed', async () => {
    const light = createClusterPort(() => loadKubeAccess(kubeconfig), 'light');
    const before = connections;
    for (let i = 0; i < 3; i++) await light.get(PIPELINE_RUNS, 'svc', 'x');
    await light.patch(PIPELINE_RUNS, 'svc', 'x', { merge: { metadata: { labels: { a: 'b' } } } });
    await light.patchStatus(PIPELINE_RUNS, 'svc', 'x', { json: [{ op: 'add', path: '/status', value: {} }] });
    expect(connections - before).toBe(1);
    expect(seen.slice(-5).map((h) => h.authorization)).toEqual(Array(5).fill('Bearer t0k'));
    expect(seen.slice(-2).map((h) => h['content-type'])).toEqual(['application/merge-patch+json', 'application/json-patch+json']);
  });

  it('when a client-node KubeConfig is given (tests, the local parts), then its calls share one keep-alive connection too', async () => {
    const { KubeConfig } = await import('@kubernetes/client-node');
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfig);
    const viaClientNode = createClusterPort(kc, 'client-node');
    const before = connections;
    for (let i = 0; i < 3; i++) await viaClientNode.get(PIPELINE_RUNS, 'svc', 'x');
    expect(connections - before).toBe(1);
    expect(seen.at(-1)?.authorization).toBe('Bearer t0k');
  });

  it('when the kubeconfig cannot be read, then that call fails, and the next one reads it again', async () => {
    const later = join(dir, 'later');
    const port = createClusterPort(() => loadKubeAccess(later), 'later');
    await expect(port.get(PIPELINE_RUNS, 'svc', 'x')).rejects.toMatchObject({ code: 'ENOENT' });
    await writeFile(later, await readFile(kubeconfig, 'utf8'));
    await expect(port.get(PIPELINE_RUNS, 'svc', 'x')).resolves.toMatchObject({ metadata: { name: 'x' } });
  });

  it('when the call\'s signal has aborted, then ClusterUnreachableError, and nothing is sent', async () => {
    const light = createClusterPort(() => loadKubeAccess(kubeconfig), 'light');
    const sent = seen.length;
    await expect(light.withSignal(AbortSignal.abort('timeout')).get(PIPELINE_RUNS, 'svc', 'x')).rejects.toBeInstanceOf(ClusterUnreachableError);
    expect(seen.length).toBe(sent);
  });
});
