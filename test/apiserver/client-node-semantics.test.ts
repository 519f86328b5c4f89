import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import type { ApiServer } from '../../local/apiserver/index.js';
import { startTestApiServer } from '../support/test-api-server.js';
import { GROUP, VERSION, WIDGETS, WIDGET_CRD, bodyOf, eventually, kubeConfigFor, mergePatch, statusOf, widget } from './client-node-fixtures.js';
import type { Widget } from './client-node-fixtures.js';
import { localOnly } from './local-only-fixtures.js';

let server: ApiServer;
let kc: k8s.KubeConfig;
let api: k8s.CustomObjectsApi;
let core: k8s.CoreV1Api;

beforeAll(async () => {
  server = await startTestApiServer({ crds: [WIDGET_CRD], namespaces: ['fv', 'paging'] });
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

  it('when a namespace is deleted, then it is Terminating and refuses new content, as the NamespaceLifecycle admission plugin says', async () => {
    await core.createNamespace({ body: { metadata: { name: 'ns-closing' } } });
    // An object with a finalizer keeps the namespace Terminating where a namespace controller runs (locally).
    await create('ns-closing', { ...widget('held'), metadata: { name: 'held', finalizers: ['example.com/hold'] } });
    const deleted = (await core.deleteNamespace({ name: 'ns-closing' })) as k8s.V1Namespace;
    expect(deleted.status?.phase).toBe('Terminating');
    const refused = await failure(create('ns-closing', widget('late')));
    expect(statusOf(refused)).toBe(403);
    expect(bodyOf(refused)).toMatchObject({
      reason: 'Forbidden',
      message: 'widgets.example.com "late" is forbidden: unable to create new content in namespace ns-closing because it is being terminated',
      details: { name: 'late', group: 'example.com', kind: 'widgets', causes: [{ reason: 'NamespaceTerminating', message: 'namespace ns-closing is being terminated', field: 'metadata.namespace' }] },
    });
    await api.patchNamespacedCustomObject({ ...where('ns-closing'), name: 'held', body: { metadata: { finalizers: null } } }, mergePatch);
  });

  localOnly('emptying a terminating namespace is the namespace controller\'s work (kube-controller-manager), which the test bed does not run')(
    'when a namespace holding an object with a finalizer is deleted, then its content goes but it stays Terminating until that object goes', async () => {
      await core.createNamespace({ body: { metadata: { name: 'ns-term' } } });
      await create('ns-term', { ...widget('held'), metadata: { name: 'held', finalizers: ['example.com/hold'] } });
      await create('ns-term', widget('free'));
      await core.deleteNamespace({ name: 'ns-term' });
      const names = async (): Promise<string[]> => ((await api.listNamespacedCustomObject(where('ns-term'))) as { items: Widget[] }).items.map((w) => w.metadata?.name ?? '');
      await eventually(async () => !(await names()).includes('free'), 'the namespace content to be deleted');
      expect(await names()).toEqual(['held']);
      expect((await core.readNamespace({ name: 'ns-term' })).status?.phase).toBe('Terminating');
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
    expect(second.metadata.remainingItemCount).toBe(1);
    const last = await page({ limit: 2, _continue: second.metadata.continue });
    expect(last.items.map((w) => w.metadata?.name)).toEqual(['pg-5']);
    // A custom resource list is unstructured on a real server: the last page says `continue: ""`, not nothing.
    expect(last.metadata.continue).toBe('');
    expect(last.metadata.remainingItemCount).toBeUndefined();
    expect((await page({})).metadata.continue).toBe('');
    expect((await core.listNamespace()).metadata?._continue).toBeUndefined();
  });

  it('when a selector is given, then remainingItemCount is left out; resourceVersion=0 ignores the limit', async () => {
    const selected = await page({ limit: 2, labelSelector: 'paged=yes' });
    expect(selected.metadata.continue).toBeDefined();
    expect(selected.metadata.remainingItemCount).toBeUndefined();
    expect((await page({ limit: 2, resourceVersion: '0' })).items).toHaveLength(5);
  });

  it('when the continue token\'s revision has been compacted away, then the list answers 410 Expired with a token that goes on inconsistently', async () => {
    const first = await page({ limit: 1 });
    await core.createNamespace({ body: { metadata: { name: 'paging-churn' } } });
    await server.faults.expireHistory();
    const error = await failure(page({ limit: 1, _continue: first.metadata.continue }));
    expect(statusOf(error)).toBe(410);
    expect(bodyOf(error)).toMatchObject({ reason: 'Expired', message: expect.stringMatching(/^The provided continue parameter is too old to display a consistent list result\./) });
    const rest = await page({ limit: 10, _continue: bodyOf(error).metadata?.continue });
    expect(rest.items.map((w) => w.metadata?.name)).toEqual(['pg-2', 'pg-3', 'pg-4', 'pg-5']);
    expect(Number(rest.metadata.resourceVersion)).toBeGreaterThan(Number(first.metadata.resourceVersion));
  });
});

describe('other request rules', () => {
  it('when dryRun=All, then a create is answered but not stored', async () => {
    const response = await post(`/apis/${GROUP}/${VERSION}/namespaces/fv/${WIDGETS}`, widget('dry'), '?dryRun=All');
    expect(response.status).toBe(201);
    expect(statusOf(await failure(api.getNamespacedCustomObject({ ...where('fv'), name: 'dry' })))).toBe(404);
  });

  it('when a custom resource is POSTed to an item path, then it is created under the name in the body, not the one in the path', async () => {
    const response = await post(`/apis/${GROUP}/${VERSION}/namespaces/fv/${WIDGETS}/url-name`, widget('body-name'));
    expect(response.status).toBe(201);
    expect(((await response.json()) as Widget).metadata?.name).toBe('body-name');
    await api.getNamespacedCustomObject({ ...where('fv'), name: 'body-name' });
    expect(statusOf(await failure(api.getNamespacedCustomObject({ ...where('fv'), name: 'url-name' })))).toBe(404);
    const unnamed = await post(`/apis/${GROUP}/${VERSION}/namespaces/fv/${WIDGETS}/url-only`, { ...widget(''), metadata: {} });
    expect(unnamed.status).toBe(422);
    expect(((await unnamed.json()) as { message: string }).message).toBe('Widget.example.com "" is invalid: metadata.name: Required value: name or generateName is required');
  });

  it('when a method has no handler on a path, then a custom resource names the verb (405) or wants a name (400), and a built-in answers 405', async () => {
    const onStatus = await post(`/apis/${GROUP}/${VERSION}/namespaces/fv/${WIDGETS}/body-name/status`, widget('body-name'));
    expect(onStatus.status).toBe(405);
    expect(await onStatus.json()).toMatchObject({ reason: 'MethodNotAllowed', message: 'create is not supported on resources of kind "widgets.example.com"', details: { group: GROUP, kind: WIDGETS } });
    const putCollection = await fetch(`${server.url}/apis/${GROUP}/${VERSION}/namespaces/fv/${WIDGETS}`, { method: 'PUT', body: JSON.stringify(widget('x')), headers: { 'content-type': 'application/json' } });
    expect(putCollection.status).toBe(400);
    expect(await putCollection.json()).toMatchObject({ reason: 'BadRequest', message: 'name must be provided' });
    const namespaceItem = await post('/api/v1/namespaces/url-ns', { metadata: { name: 'body-ns' } });
    expect(namespaceItem.status).toBe(405);
    expect(await namespaceItem.json()).toMatchObject({ reason: 'MethodNotAllowed', message: 'the server does not allow this method on the requested resource', details: {} });
    expect((await fetch(`${server.url}/api/v1/namespaces`, { method: 'DELETE' })).status).toBe(405);
  });

  it('when a path names a resource no group serves, then it answers 404 (the core group with a NotFound Status)', async () => {
    // A real server answers CRD groups' and unknown groups' 404s with Go's plain-text page; the local one with a Status.
    for (const path of [`/apis/${GROUP}/${VERSION}/namespaces/fv/nothings`, '/apis/nothing.example.com/v1/things', '/apis/nothing.example.com/v1']) {
      expect({ path, status: (await fetch(`${server.url}${path}`)).status }).toEqual({ path, status: 404 });
    }
    const core404 = await fetch(`${server.url}/api/v1/nothings`);
    expect(core404.status).toBe(404);
    expect(await core404.json()).toMatchObject({ reason: 'NotFound', message: 'the server could not find the requested resource', details: {} });
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

  it('when an apply patch has no fieldManager, then it answers 422 Invalid for the PatchOptions', async () => {
    const response = await apply('applied', manifest(3), '');
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({
      reason: 'Invalid',
      message: 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
      details: { group: 'meta.k8s.io', kind: 'PatchOptions', causes: [{ reason: 'FieldValueRequired', message: 'Required value: is required for apply patch', field: 'fieldManager' }] },
    });
  });
});

describe('CRD schema changes', () => {
  it('when a CRD gains a default, then objects stored before it read back with the default', async () => {
    const own = await startTestApiServer({ crds: [WIDGET_CRD] });
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
