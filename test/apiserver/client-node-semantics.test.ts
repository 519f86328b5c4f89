import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import { startApiServer } from '../../local/apiserver/index.js';
import type { ApiServer } from '../../local/apiserver/index.js';
import { GROUP, VERSION, WIDGETS, WIDGET_CRD, bodyOf, eventually, kubeConfigFor, mergePatch, statusOf, widget } from './client-node-fixtures.js';
import type { Widget } from './client-node-fixtures.js';

let server: ApiServer;
let kc: k8s.KubeConfig;
let api: k8s.CustomObjectsApi;
let core: k8s.CoreV1Api;
const WINDOW = 30;

beforeAll(async () => {
  server = await startApiServer({ crds: [WIDGET_CRD], namespaces: ['fv', 'paging'], watchWindow: WINDOW });
  kc = kubeConfigFor(server.kubeconfig());
  api = kc.makeApiClient(k8s.CustomObjectsApi);
  core = kc.makeApiClient(k8s.CoreV1Api);
});
afterAll(() => server.stop());

const where = (namespace: string) => ({ group: GROUP, version: VERSION, namespace, plural: WIDGETS });
const create = (namespace: string, body: Widget, fieldValidation?: string): Promise<Widget> =>
  api.createNamespacedCustomObject({ ...where(namespace), body, fieldValidation }) as Promise<Widget>;
const failure = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => { throw new Error('expected a failure'); }, (e: unknown) => e);

async function post(path: string, body: unknown, query = ''): Promise<Response> {
  return fetch(`${server.url}${path}${query}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
}

describe('namespaces', () => {
  it('when a namespace is created, then it is Active with the kubernetes finalizer and its name label', async () => {
    const ns = await core.createNamespace({ body: { metadata: { name: 'ns-life' } } });
    expect(ns.status?.phase).toBe('Active');
    expect(ns.spec?.finalizers).toEqual(['kubernetes']);
    expect(ns.metadata?.labels).toEqual({ 'kubernetes.io/metadata.name': 'ns-life' });
  });

  it('when a namespace holding an object with a finalizer is deleted, then it is Terminating until the object goes', async () => {
    await core.createNamespace({ body: { metadata: { name: 'ns-term' } } });
    await create('ns-term', { ...widget('held'), metadata: { name: 'held', finalizers: ['example.com/hold'] } });
    await create('ns-term', widget('free'));
    const deleted = await core.deleteNamespace({ name: 'ns-term' });
    expect((deleted as k8s.V1Namespace).status?.phase).toBe('Terminating');
    const names = async (): Promise<string[]> => ((await api.listNamespacedCustomObject(where('ns-term'))) as { items: Widget[] }).items.map((w) => w.metadata?.name ?? '');
    await eventually(async () => !(await names()).includes('free'), 'the namespace content to be deleted');
    expect(await names()).toEqual(['held']);
    expect((await core.readNamespace({ name: 'ns-term' })).status?.phase).toBe('Terminating');
    const refused = await failure(create('ns-term', widget('late')));
    expect(statusOf(refused)).toBe(403);
    expect(bodyOf(refused).message).toBe('widgets.example.com "late" is forbidden: unable to create new content in namespace ns-term because it is being terminated');
    await api.patchNamespacedCustomObject({ ...where('ns-term'), name: 'held', body: { metadata: { finalizers: null } } }, mergePatch);
    await eventually(async () => statusOf(await core.readNamespace({ name: 'ns-term' }).catch((e: unknown) => e)) === 404, 'the namespace to go');
  });

  it('when default is deleted, then it answers 403 Forbidden', async () => {
    const error = await failure(core.deleteNamespace({ name: 'default' }));
    expect(statusOf(error)).toBe(403);
    expect(bodyOf(error).message).toBe('namespaces "default" is forbidden: this namespace may not be deleted');
  });

  it('when a namespace is patched with strategic merge, then the built-in kind accepts it', async () => {
    const patched = await core.patchNamespace({ name: 'ns-life', body: { metadata: { labels: { team: 'a' } } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch));
    expect(patched.metadata?.labels).toMatchObject({ team: 'a' });
  });
});

describe('fieldValidation', () => {
  const body = { ...widget('fv-1'), spec: { size: 1, foo: 'x' } };

  it('when Strict, then create answers 400 with the strict decoding error', async () => {
    const error = await failure(create('fv', body, 'Strict'));
    expect(statusOf(error)).toBe(400);
    expect(bodyOf(error).message).toBe('Widget in version "v1" cannot be handled as a Widget: strict decoding error: unknown field "spec.foo"');
  });

  it('when Strict on a patch, then it answers 422', async () => {
    await create('fv', widget('fv-patch'));
    const error = await failure(api.patchNamespacedCustomObject({ ...where('fv'), name: 'fv-patch', body: { spec: { bar: 1 } }, fieldValidation: 'Strict' }, mergePatch));
    expect(statusOf(error)).toBe(422);
  });

  it('when Warn (or unset), then the field is pruned and a Warning header names it', async () => {
    const response = await post(`/apis/${GROUP}/${VERSION}/namespaces/fv/${WIDGETS}`, { ...body, metadata: { name: 'fv-warn' } }, '?fieldValidation=Warn');
    expect(response.status).toBe(201);
    expect(response.headers.get('warning')).toBe('299 - "unknown field \\"spec.foo\\""');
    expect(((await response.json()) as Widget).spec).toEqual({ size: 1, color: 'red' });
  });

  it('when Ignore, then the field is pruned silently', async () => {
    const response = await post(`/apis/${GROUP}/${VERSION}/namespaces/fv/${WIDGETS}`, { ...body, metadata: { name: 'fv-ignore' } }, '?fieldValidation=Ignore');
    expect(response.status).toBe(201);
    expect(response.headers.get('warning')).toBeNull();
  });

  it('when the directive is not one of Ignore/Warn/Strict, then it answers 422', async () => {
    expect(statusOf(await failure(create('fv', { ...widget('fv-x') }, 'strict')))).toBe(422);
  });
});

describe('limit and continue', () => {
  beforeAll(async () => {
    for (const name of ['pg-1', 'pg-2', 'pg-3', 'pg-4', 'pg-5']) await create('paging', widget(name, 1, { paged: 'yes' }));
  });

  type List = { items: Widget[]; metadata: { continue?: string; remainingItemCount?: number; resourceVersion: string } };
  const page = (opts: { limit?: number; _continue?: string; labelSelector?: string; resourceVersion?: string }): Promise<List> =>
    api.listNamespacedCustomObject({ ...where('paging'), ...opts }) as Promise<List>;

  it('when a limit is given, then pages follow each other through continue tokens with a remaining count', async () => {
    const first = await page({ limit: 2 });
    expect(first.items.map((w) => w.metadata?.name)).toEqual(['pg-1', 'pg-2']);
    expect(first.metadata.remainingItemCount).toBe(3);
    const second = await page({ limit: 2, _continue: first.metadata.continue });
    expect(second.items.map((w) => w.metadata?.name)).toEqual(['pg-3', 'pg-4']);
    const last = await page({ limit: 2, _continue: second.metadata.continue });
    expect(last.items.map((w) => w.metadata?.name)).toEqual(['pg-5']);
    expect(last.metadata.continue).toBeUndefined();
  });

  it('when a selector is given, then remainingItemCount is left out; resourceVersion=0 ignores the limit', async () => {
    const selected = await page({ limit: 2, labelSelector: 'paged=yes' });
    expect(selected.metadata.continue).toBeDefined();
    expect(selected.metadata.remainingItemCount).toBeUndefined();
    expect((await page({ limit: 2, resourceVersion: '0' })).items).toHaveLength(5);
  });

  it('when the continue token is older than the retained window, then the list answers 410 Expired', async () => {
    const first = await page({ limit: 1 });
    for (let i = 0; i < WINDOW + 1; i++) await core.createNamespace({ body: { metadata: { name: `paging-churn-${i}` } } });
    const error = await failure(page({ limit: 1, _continue: first.metadata.continue }));
    expect(statusOf(error)).toBe(410);
    expect(bodyOf(error).reason).toBe('Expired');
  });
});

describe('other request rules', () => {
  it('when dryRun=All, then a create is answered but not stored', async () => {
    const response = await post(`/apis/${GROUP}/${VERSION}/namespaces/fv/${WIDGETS}`, widget('dry'), '?dryRun=All');
    expect(response.status).toBe(201);
    expect(statusOf(await failure(api.getNamespacedCustomObject({ ...where('fv'), name: 'dry' })))).toBe(404);
  });

  it('when a method is not allowed on a path, then it answers 405 MethodNotAllowed', async () => {
    const response = await post(`/apis/${GROUP}/${VERSION}/namespaces/fv/${WIDGETS}/some-name`, widget('some-name'));
    expect(response.status).toBe(405);
    expect(((await response.json()) as { reason: string }).reason).toBe('MethodNotAllowed');
  });

  it('when status is replaced with PUT on /status, then only status changes', async () => {
    const created = await create('fv', widget('put-status', 2));
    const replaced = (await api.replaceNamespacedCustomObjectStatus({
      ...where('fv'), name: 'put-status', body: { ...created, spec: { size: 9 }, status: { phase: 'Ready' } },
    })) as Widget;
    expect(replaced.status).toEqual({ phase: 'Ready' });
    expect(replaced.spec?.size).toBe(2);
  });

  it('when a delete precondition names another resourceVersion, then it answers 409', async () => {
    await create('fv', widget('pre'));
    const error = await failure(api.deleteNamespacedCustomObject({ ...where('fv'), name: 'pre', body: { preconditions: { resourceVersion: '1' } } }));
    expect(statusOf(error)).toBe(409);
  });

  it('when a watch asks for initial events with bookmarks, then a BOOKMARK marks their end', async () => {
    const seen: string[] = [];
    const controller = await new k8s.Watch(kc).watch(`/apis/${GROUP}/${VERSION}/namespaces/paging/${WIDGETS}`,
      { sendInitialEvents: true, allowWatchBookmarks: true, resourceVersionMatch: 'NotOlderThan' },
      (type, object: Widget) => seen.push(type === 'BOOKMARK' ? `BOOKMARK ${object.metadata?.annotations?.['k8s.io/initial-events-end']}` : type), () => undefined);
    await eventually(() => seen.some((s) => s.startsWith('BOOKMARK')), 'the initial-events-end bookmark');
    controller.abort();
    expect(seen).toEqual(['ADDED', 'ADDED', 'ADDED', 'ADDED', 'ADDED', 'BOOKMARK true']);
  });
});

describe('apply patches', () => {
  const url = (name: string, query: string): string => `${server.url}/apis/${GROUP}/${VERSION}/namespaces/fv/${WIDGETS}/${name}${query}`;
  const apply = (name: string, yaml: string, query = '?fieldManager=test'): Promise<Response> =>
    fetch(url(name, query), { method: 'PATCH', body: yaml, headers: { 'content-type': 'application/apply-patch+yaml' } });
  const manifest = (size: number): string => `apiVersion: ${GROUP}/${VERSION}\nkind: Widget\nmetadata:\n  name: applied\nspec:\n  size: ${size}\n`;

  it('when an apply patch names a missing object, then it is created; a second apply updates it', async () => {
    expect((await apply('applied', manifest(1))).status).toBe(201);
    const second = await apply('applied', manifest(2));
    expect(second.status).toBe(200);
    expect(((await second.json()) as Widget).spec).toEqual({ size: 2, color: 'red' });
  });

  it('when an apply patch has no fieldManager, then it answers 400', async () => {
    expect((await apply('applied', manifest(3), '')).status).toBe(400);
  });
});

describe('CRD schema changes', () => {
  it('when a CRD gains a default, then objects stored before it read back with the default', async () => {
    const own = await startApiServer({ crds: [WIDGET_CRD] });
    const ownKc = kubeConfigFor(own.kubeconfig());
    const objects = ownKc.makeApiClient(k8s.CustomObjectsApi);
    const ext = ownKc.makeApiClient(k8s.ApiextensionsV1Api);
    await objects.createNamespacedCustomObject({ ...where('default'), body: widget('old') });
    const crd = await ext.readCustomResourceDefinition({ name: WIDGET_CRD.metadata.name });
    const spec = crd.spec.versions[0]?.schema?.openAPIV3Schema?.properties?.spec;
    if (spec?.properties) spec.properties.shape = { type: 'string', _default: 'round' };
    await ext.replaceCustomResourceDefinition({ name: WIDGET_CRD.metadata.name, body: crd });
    const read = (await objects.getNamespacedCustomObject({ ...where('default'), name: 'old' })) as Widget;
    await own.stop();
    expect(read.spec).toEqual({ size: 1, color: 'red', shape: 'round' });
  });
});
