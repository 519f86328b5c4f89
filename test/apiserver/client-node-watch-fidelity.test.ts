import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { get } from 'node:http';
import type { IncomingMessage } from 'node:http';
import * as k8s from '@kubernetes/client-node';
import type { ApiServer } from '../../local/apiserver/index.js';
import { startTestApiServer } from '../support/test-api-server.js';
import { GROUP, VERSION, WIDGETS, WIDGET_CRD, eventually, jsonPatch, kubeConfigFor, mergePatch, widget } from './client-node-fixtures.js';
import type { Widget } from './client-node-fixtures.js';
import { localOnly } from './local-only-fixtures.js';

interface Seen { type: string; object: Widget & { message?: string } }

let server: ApiServer;
let kc: k8s.KubeConfig;
let api: k8s.CustomObjectsApi;
const ns = 'fidelity';
const path = `/apis/${GROUP}/${VERSION}/namespaces/${ns}/${WIDGETS}`;
const WINDOW = 15;

beforeAll(async () => {
  server = await startTestApiServer({ crds: [WIDGET_CRD], namespaces: [ns], watchWindow: WINDOW });
  kc = kubeConfigFor(server.kubeconfig());
  api = kc.makeApiClient(k8s.CustomObjectsApi);
});
afterAll(() => server.stop());

const ref = (name: string) => ({ group: GROUP, version: VERSION, namespace: ns, plural: WIDGETS, name });
const create = (body: Widget): Promise<Widget> =>
  api.createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: WIDGETS, body }) as Promise<Widget>;
const patch = (name: string, body: object): Promise<Widget> => api.patchNamespacedCustomObject({ ...ref(name), body }, mergePatch) as Promise<Widget>;

async function watch(params: Record<string, string>, config = kc): Promise<{ seen: Seen[]; stop: () => void }> {
  const seen: Seen[] = [];
  const controller = await new k8s.Watch(config).watch(path, params, (type, object: Seen['object']) => seen.push({ type, object }), () => undefined);
  return { seen, stop: () => controller.abort() };
}

describe('what watch events carry', () => {
  it('when an update moves an object out of a label selector, then DELETED carries its previous state at the new resourceVersion', async () => {
    await create(widget('leaver', 1, { phase: 'in' }));
    const w = await watch({ labelSelector: 'phase=in' });
    await eventually(() => w.seen.length === 1, 'the synthetic ADDED');
    const moved = await patch('leaver', { metadata: { labels: { phase: 'out' } }, spec: { size: 2 } });
    await eventually(() => w.seen.length === 2, 'the DELETED');
    w.stop();
    const deleted = w.seen[1];
    expect(deleted?.type).toBe('DELETED');
    expect(deleted?.object.metadata?.labels).toEqual({ phase: 'in' });
    expect(deleted?.object.spec?.size).toBe(1);
    expect(deleted?.object.metadata?.resourceVersion).toBe(moved.metadata?.resourceVersion);
  });

  it('when the last finalizer is removed, then DELETED carries the last stored state and the patch answers the updated object', async () => {
    await create({ ...widget('held', 1, { hold: 'yes' }), metadata: { name: 'held', labels: { hold: 'yes' }, finalizers: ['example.com/hold'] } });
    const marked = (await api.deleteNamespacedCustomObject(ref('held'))) as Widget;
    const w = await watch({ labelSelector: 'hold=yes', resourceVersion: marked.metadata?.resourceVersion ?? '' });
    const released = (await api.patchNamespacedCustomObject({ ...ref('held'), body: [
      { op: 'remove', path: '/metadata/finalizers' }, { op: 'remove', path: '/metadata/labels' },
    ] }, jsonPatch)) as Widget;
    await eventually(() => w.seen.length === 1, 'the DELETED');
    w.stop();
    expect(released.metadata?.finalizers).toBeUndefined();
    expect(released.metadata?.resourceVersion).toBe(marked.metadata?.resourceVersion);
    const deleted = w.seen[0];
    expect(deleted?.type).toBe('DELETED');
    expect(deleted?.object.metadata?.finalizers).toEqual(['example.com/hold']);
    expect(deleted?.object.metadata?.deletionTimestamp).toBe(marked.metadata?.deletionTimestamp);
    expect(Number(deleted?.object.metadata?.resourceVersion)).toBeGreaterThan(Number(marked.metadata?.resourceVersion));
  });

  localOnly('watchWindow sizes the local ring; a real server\'s watch cache window cannot be made small from a test')(
    'when the resourceVersion is older than the retained window, then the 410 message names the oldest version a watch may resume from, as the watch cache does', async () => {
      const old = await create(widget('ancient'));
      const core = kc.makeApiClient(k8s.CoreV1Api);
      let last = '';
      for (let i = 0; i < WINDOW + 1; i++) last = (await core.createNamespace({ body: { metadata: { name: `fidelity-churn-${i}` } } })).metadata?.resourceVersion ?? '';
      const w = await watch({ resourceVersion: old.metadata?.resourceVersion ?? '' });
      await eventually(() => w.seen.length === 1, 'the ERROR event');
      w.stop();
      const oldestResumable = Number(last) - WINDOW;
      expect(w.seen[0]?.object.message).toBe(`too old resource version: ${old.metadata?.resourceVersion} (${oldestResumable})`);
    });
});

describe('watches resumed from a compacted resourceVersion', () => {
  let served: ApiServer;
  let servedKc: k8s.KubeConfig;
  // A real server answers a resumed watch from its watch cache, whatever etcd forgot: serve watches from etcd.
  beforeAll(async () => {
    served = await startTestApiServer({ crds: [WIDGET_CRD], namespaces: [ns], watchCache: false });
    servedKc = kubeConfigFor(served.kubeconfig());
  });
  afterAll(() => served.stop());

  it('when the resourceVersion has been compacted away, then the watch sends one ERROR event: 410 Expired in the words of a real server serving watches from etcd', async () => {
    const objects = servedKc.makeApiClient(k8s.CustomObjectsApi);
    const at = { group: GROUP, version: VERSION, namespace: ns, plural: WIDGETS };
    const old = (await objects.createNamespacedCustomObject({ ...at, body: widget('compacted') })) as Widget;
    // Two changes after it: etcd serves a watch from the revision after the one given, so that one must be gone too.
    for (const name of ['newer', 'newest']) await objects.createNamespacedCustomObject({ ...at, body: widget(name) });
    await served.faults.expireHistory();
    const w = await watch({ resourceVersion: old.metadata?.resourceVersion ?? '' }, servedKc);
    await eventually(() => w.seen.length === 1, 'the ERROR event');
    w.stop();
    expect(w.seen).toEqual([{ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'The resourceVersion for the provided watch is too old.', reason: 'Expired', code: 410 } }]);
  });
});

describe('watch scopes', () => {
  it('when one watch covers a namespace and another all namespaces, then each gets exactly the events of its scope', async () => {
    const seenAll: string[] = [];
    const all = await new k8s.Watch(kc).watch(`/apis/${GROUP}/${VERSION}/${WIDGETS}`, { labelSelector: 'scope=test' }, (type, o: Widget) => seenAll.push(`${type} ${o.metadata?.namespace}/${o.metadata?.name}`), () => undefined);
    const one = await watch({ labelSelector: 'scope=test' });
    await create(widget('here', 1, { scope: 'test' }));
    await api.createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: 'default', plural: WIDGETS, body: widget('there', 1, { scope: 'test' }) });
    await eventually(() => seenAll.length === 2 && one.seen.length === 1, 'both events');
    all.abort();
    one.stop();
    expect(seenAll).toEqual([`ADDED ${ns}/here`, 'ADDED default/there']);
    expect(one.seen.map((e) => e.object.metadata?.name)).toEqual(['here']);
  });
});

describe('watch clients that stop reading', () => {
  /** Opens a raw watch whose client reads nothing until `resume` is called. */
  function stalledWatch(): Promise<{ response: IncomingMessage; resume: () => Promise<{ events: number; ended: boolean }> }> {
    return new Promise((resolve, reject) => {
      const request = get(`${server.url}${path}?watch=true&labelSelector=bulk%3Dyes`, (response) => {
        response.pause();
        const resume = (): Promise<{ events: number; ended: boolean }> => new Promise((done) => {
          let text = '';
          const deadline = setTimeout(() => { request.destroy(); done({ events: text.split('\n').length - 1, ended: false }); }, 5000);
          response.on('data', (chunk: Buffer) => { text += chunk.toString('utf8'); });
          response.on('end', () => { clearTimeout(deadline); done({ events: text.split('\n').length - 1, ended: true }); });
          response.resume();
        });
        resolve({ response, resume });
      });
      request.on('error', reject);
    });
  }

  it('when a watch client stops reading, then the server ends that watch once its backlog passes the bound instead of buffering without limit', async () => {
    await create({ ...widget('bulky', 1, { bulk: 'yes' }), spec: { size: 1, extra: { blob: 'x'.repeat(512 * 1024) } } });
    const stalled = await stalledWatch();
    const patches = 64;
    for (let i = 0; i < patches; i++) await patch('bulky', { spec: { size: i + 2 } });
    const { events, ended } = await stalled.resume();
    expect(ended).toBe(true);
    expect(events).toBeLessThan(patches);
  });
});
