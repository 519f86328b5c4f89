import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import { startApiServer } from '../../local/apiserver/index.js';
import type { ApiServer } from '../../local/apiserver/index.js';
import { GROUP, VERSION, WIDGETS, WIDGET_CRD, eventually, kubeConfigFor, mergePatch, widget } from './client-node-fixtures.js';
import type { Widget } from './client-node-fixtures.js';

interface Seen { type: string; name?: string; rv?: string; object: Widget & { code?: number } }

let server: ApiServer;
let kc: k8s.KubeConfig;
let api: k8s.CustomObjectsApi;
const ns = 'watch-ns';
const path = `/apis/${GROUP}/${VERSION}/namespaces/${ns}/${WIDGETS}`;
const WINDOW = 20;

beforeAll(async () => {
  server = await startApiServer({ crds: [WIDGET_CRD], namespaces: [ns], watchWindow: WINDOW, bookmarkIntervalMs: 20 });
  kc = kubeConfigFor(server.kubeconfig());
  api = kc.makeApiClient(k8s.CustomObjectsApi);
});
afterAll(() => server.stop());

const create = (body: Widget): Promise<Widget> =>
  api.createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: WIDGETS, body }) as Promise<Widget>;
const patch = (name: string, body: object): Promise<Widget> =>
  api.patchNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: WIDGETS, name, body }, mergePatch) as Promise<Widget>;
const remove = (name: string): Promise<unknown> => api.deleteNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: WIDGETS, name });

/** Opens a watch and records its events; `ended` turns true when the stream closes. */
async function watch(params: Record<string, string | number | boolean>): Promise<{ seen: Seen[]; ended: () => boolean; stop: () => void }> {
  const seen: Seen[] = [];
  let done = false;
  const controller = await new k8s.Watch(kc).watch(path, params, (type, object: Seen['object']) => {
    seen.push({ type, name: object.metadata?.name, rv: object.metadata?.resourceVersion, object });
  }, () => { done = true; });
  return { seen, ended: () => done, stop: () => controller.abort() };
}

/** Moves the global revision past the watch window without touching widgets. */
async function churnOtherResources(prefix: string): Promise<void> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  for (let i = 0; i < WINDOW + 2; i++) await core.createNamespace({ body: { metadata: { name: `${prefix}-${i}` } } });
}

describe('watch', () => {
  it('when watching from no resourceVersion, then current objects arrive as ADDED, then changes; DELETED carries the last state', async () => {
    await create(widget('w-existing', 1, { watch: 'one' }));
    const w = await watch({ labelSelector: 'watch=one' });
    await eventually(() => w.seen.length === 1, 'the synthetic ADDED');
    await patch('w-existing', { spec: { size: 2 } });
    await remove('w-existing');
    await eventually(() => w.seen.length === 3, 'MODIFIED and DELETED');
    w.stop();
    expect(w.seen.map((e) => [e.type, e.name])).toEqual([['ADDED', 'w-existing'], ['MODIFIED', 'w-existing'], ['DELETED', 'w-existing']]);
    expect(w.seen[2]?.object.spec?.size).toBe(2);
    expect(Number(w.seen[2]?.rv)).toBeGreaterThan(Number(w.seen[1]?.rv));
  });

  it('when watching from a resourceVersion, then only later events are sent', async () => {
    const first = await create(widget('w-from-1', 1, { watch: 'two' }));
    await create(widget('w-from-2', 1, { watch: 'two' }));
    const w = await watch({ labelSelector: 'watch=two', resourceVersion: first.metadata?.resourceVersion ?? '' });
    await eventually(() => w.seen.length === 1, 'the replayed ADDED');
    w.stop();
    expect(w.seen.map((e) => [e.type, e.name])).toEqual([['ADDED', 'w-from-2']]);
  });

  it('when an update moves an object into or out of the label selector, then the watch sees ADDED or DELETED', async () => {
    await create(widget('w-sel', 1, { stage: 'a' }));
    const w = await watch({ labelSelector: 'stage=b' });
    await patch('w-sel', { metadata: { labels: { stage: 'b' } } });
    await patch('w-sel', { metadata: { labels: { stage: 'c' } } });
    await eventually(() => w.seen.length === 2, 'enter and leave events');
    w.stop();
    expect(w.seen.map((e) => e.type)).toEqual(['ADDED', 'DELETED']);
  });

  it('when the resourceVersion is older than the retained window, then the watch gets one ERROR 410 Expired event and ends', async () => {
    const old = await create(widget('w-old', 1));
    await churnOtherResources('churn-a');
    const w = await watch({ resourceVersion: old.metadata?.resourceVersion ?? '' });
    await eventually(w.ended, 'the stream to end');
    expect(w.seen).toHaveLength(1);
    expect(w.seen[0]?.type).toBe('ERROR');
    expect(w.seen[0]?.object).toMatchObject({ kind: 'Status', reason: 'Expired', code: 410 });
  });

  it('when bookmarks are allowed, then BOOKMARK events carry the current resourceVersion', async () => {
    const w = await watch({ allowWatchBookmarks: true, resourceVersion: '0', labelSelector: 'none=here' });
    await eventually(() => w.seen.some((e) => e.type === 'BOOKMARK'), 'a bookmark');
    w.stop();
    const mark = w.seen.find((e) => e.type === 'BOOKMARK');
    expect(mark?.object.kind).toBe('Widget');
    expect(Number(mark?.rv)).toBeGreaterThan(0);
  });

  it('when timeoutSeconds passes, then the server ends the watch', async () => {
    const w = await watch({ timeoutSeconds: 1, labelSelector: 'none=here' });
    await eventually(w.ended, 'the watch to time out', 4000);
  });

  it('when watches are cut by fault injection, then open streams fail with an error', async () => {
    let result: unknown;
    await new k8s.Watch(kc).watch(path, { labelSelector: 'none=here' }, () => undefined, (e) => { result = e ?? 'clean'; });
    server.faults.cutWatches(WIDGETS);
    await eventually(() => result !== undefined, 'the cut watch to end');
    expect(result).toBeInstanceOf(Error);
  });

  it('when watches are ended by fault injection, then the stream closes without an error', async () => {
    let result: unknown;
    await new k8s.Watch(kc).watch(path, { labelSelector: 'none=here' }, () => undefined, (e) => { result = e ?? 'clean'; });
    server.faults.endWatches(WIDGETS);
    await eventually(() => result !== undefined, 'the watch to end');
    expect(result).toBe('clean');
  });
});

describe('informer', () => {
  it('when its watch resumes from an expired resourceVersion, then the informer relists and keeps a correct cache', async () => {
    const informerNs = 'informer-ns';
    await kc.makeApiClient(k8s.CoreV1Api).createNamespace({ body: { metadata: { name: informerNs } } });
    const informerPath = `/apis/${GROUP}/${VERSION}/namespaces/${informerNs}/${WIDGETS}`;
    const list = (): Promise<k8s.KubernetesListObject<Widget>> =>
      api.listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: informerNs, plural: WIDGETS }) as Promise<k8s.KubernetesListObject<Widget>>;
    await api.createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: informerNs, plural: WIDGETS, body: widget('i-1') });
    const informer = k8s.makeInformer(kc, informerPath, list);
    let connects = 0;
    const errors: unknown[] = [];
    informer.on('connect', () => { connects++; });
    informer.on('error', (e) => { errors.push(e); });
    await informer.start();
    await eventually(() => informer.list().length === 1, 'the initial list');
    server.requests.reset();
    await churnOtherResources('churn-b');
    server.faults.endWatches(WIDGETS);
    await eventually(() => server.requests.count({ verb: 'list', resource: WIDGETS }) === 1 && connects >= 3, 'a relist after 410');
    await api.createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: informerNs, plural: WIDGETS, body: widget('i-2') });
    await eventually(() => informer.list().length === 2, 'the new object in the cache');
    expect(errors).toEqual([]);
    expect(informer.list().map((w) => w.metadata?.name).sort()).toEqual(['i-1', 'i-2']);
    await informer.stop();
  });
});

describe('watch with the Table Accept header', () => {
  it('when kubectl get -w asks for tables, then each event is a one-row Table, column definitions only in the first', async () => {
    await create(widget('w-table', 3, { table: 'yes' }));
    const controller = new AbortController();
    const response = await fetch(`${server.url}${path}?watch=true&labelSelector=table%3Dyes`, {
      headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' }, signal: controller.signal,
    });
    const reader = response.body?.getReader();
    let text = '';
    await patch('w-table', { spec: { size: 4 } });
    while (text.split('\n').length < 3 && reader) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    const [first, second] = text.split('\n').map((l) => (l ? JSON.parse(l) : undefined)) as Array<{ type: string; object: { kind: string; columnDefinitions: unknown[] | null; rows: Array<{ cells: unknown[] }> } }>;
    expect(first?.object.kind).toBe('Table');
    expect(first?.object.columnDefinitions?.map((c) => (c as { name: string }).name)).toEqual(['Name', 'Size', 'Ready', 'Age']);
    expect(first?.object.rows[0]?.cells.slice(0, 2)).toEqual(['w-table', 3]);
    expect(second?.type).toBe('MODIFIED');
    expect(second?.object.columnDefinitions).toBeNull();
    expect(second?.object.rows[0]?.cells[1]).toBe(4);
  });
});
