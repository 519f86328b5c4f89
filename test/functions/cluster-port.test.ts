import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApiServer } from '../../local/apiserver/index.js';
import type { ApiServer } from '../../local/apiserver/index.js';
import { PIPELINE_RUNS } from '../../shared/api/index.js';
import { AlreadyExistsError, ClusterUnreachableError, ConflictError, InvalidError, createClusterPort } from '../../shared/kube/index.js';
import type { ClusterPort } from '../../shared/kube/index.js';
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
  server = await startApiServer({ name: 'test', crdFiles: ['local/crds/tekton.yaml'], namespaces: ['svc'] });
  port = portFor(server);
});
afterAll(() => server.stop());

describe('cluster port over @kubernetes/client-node', () => {
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
    await port.patch(PIPELINE_RUNS, 'svc', 'status', { merge: { status: { ignored: true } } });
    const patched = await port.patchStatus<Run>(PIPELINE_RUNS, 'svc', 'status', { merge: { status: { phase: 'done' } } });
    expect(patched.status).toEqual({ phase: 'done' });
    expect(server.requests.count({ verb: 'patch', resource: 'pipelineruns/status' })).toBeGreaterThanOrEqual(1);
  });

  it('when an object is deleted, then it is gone', async () => {
    await port.create(PIPELINE_RUNS, 'svc', run('doomed'));
    await port.delete(PIPELINE_RUNS, 'svc', 'doomed');
    await expect(port.get(PIPELINE_RUNS, 'svc', 'doomed')).resolves.toBeUndefined();
  });

  it('when the API server cannot be reached, then ClusterUnreachableError', async () => {
    const gone = await startApiServer({ name: 'gone' });
    const unreachable = portFor(gone);
    await gone.stop();
    await expect(unreachable.get(PIPELINE_RUNS, 'svc', 'x')).rejects.toBeInstanceOf(ClusterUnreachableError);
  });
});
