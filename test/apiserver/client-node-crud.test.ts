import { startTestApiServer } from '../support/test-api-server.js';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import type { ApiServer } from '../../local/apiserver/index.js';
import { GROUP, VERSION, WIDGETS, WIDGET_CRD, bodyOf, jsonPatch, kubeConfigFor, mergePatch, statusOf, strategicPatch, widget } from './client-node-fixtures.js';
import type { Widget } from './client-node-fixtures.js';

let server: ApiServer;
let api: k8s.CustomObjectsApi;
const ns = 'team-a';
const ref = (name: string) => ({ group: GROUP, version: VERSION, namespace: ns, plural: WIDGETS, name });

beforeAll(async () => {
  server = await startTestApiServer({ crds: [WIDGET_CRD], namespaces: [ns] });
  api = kubeConfigFor(server.kubeconfig()).makeApiClient(k8s.CustomObjectsApi);
});
afterAll(() => server.stop());

async function create(body: Widget): Promise<Widget> {
  return (await api.createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: WIDGETS, body })) as Widget;
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the request to fail');
}

describe('create and get through CustomObjectsApi', () => {
  it('when an object is created, then it gets uid, creationTimestamp, generation 1, a resourceVersion and schema defaults', async () => {
    const created = await create(widget('c1', 3));
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata?.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(created.metadata?.generation).toBe(1);
    expect(Number(created.metadata?.resourceVersion)).toBeGreaterThan(0);
    expect(created.spec).toEqual({ size: 3, color: 'red' });
    const fetched = (await api.getNamespacedCustomObject(ref('c1'))) as Widget;
    expect(fetched).toEqual(created);
  });

  it('when generateName is given, then the name is the prefix plus five generated characters', async () => {
    const created = await create({ ...widget(''), metadata: { generateName: 'gen-' } });
    expect(created.metadata?.name).toMatch(/^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('when the name is taken, then create answers 409 AlreadyExists', async () => {
    await create(widget('dup'));
    const error = await failure(create(widget('dup')));
    expect(statusOf(error)).toBe(409);
    expect(bodyOf(error)).toMatchObject({ reason: 'AlreadyExists', message: 'widgets.example.com "dup" already exists' });
  });

  it('when the object does not exist, then get answers 404 NotFound with details', async () => {
    const error = await failure(api.getNamespacedCustomObject(ref('nope')));
    expect(statusOf(error)).toBe(404);
    expect(bodyOf(error)).toMatchObject({ reason: 'NotFound', message: 'widgets.example.com "nope" not found', details: { name: 'nope', group: GROUP, kind: WIDGETS } });
  });

  it('when the namespace does not exist, then create answers 404 namespaces "x" not found', async () => {
    const error = await failure(api.createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: 'missing', plural: WIDGETS, body: widget('w') }));
    expect(statusOf(error)).toBe(404);
    expect(bodyOf(error).message).toBe('namespaces "missing" not found');
  });

  it('when the body violates the schema, then create answers 422 Invalid with field causes', async () => {
    const body = { ...widget('bad'), spec: { size: 'big', color: 'green' } } as unknown as Widget;
    const error = await failure(create(body));
    expect(statusOf(error)).toBe(422);
    const status = bodyOf(error);
    expect(status.reason).toBe('Invalid');
    expect(status.message).toMatch(/^Widget\.example\.com "bad" is invalid: \[/);
    const causes = (status.details as { causes: Array<{ field: string; reason: string }> }).causes;
    expect(causes.map((c) => c.field).sort()).toEqual(['spec.color', 'spec.size']);
  });

  it('when the body has fields the schema does not know, then they are pruned unless preserved', async () => {
    const body = { ...widget('pruned'), spec: { size: 1, unknown: true, extra: { anything: { goes: 1 } } } } as Widget;
    const created = await create(body);
    expect(created.spec).toEqual({ size: 1, color: 'red', extra: { anything: { goes: 1 } } });
  });

  it('when the body namespace differs from the URL namespace, then create answers 400', async () => {
    const body = { ...widget('other'), metadata: { name: 'other', namespace: 'default' } };
    expect(statusOf(await failure(create(body)))).toBe(400);
  });
});

describe('list with label and field selectors', () => {
  beforeAll(async () => {
    await create(widget('l-a', 1, { tier: 'web', env: 'prod', rank: '3' }));
    await create(widget('l-b', 1, { tier: 'db', env: 'prod', rank: '7' }));
    await create(widget('l-c', 1, { tier: 'web', env: 'dev' }));
  });

  const names = async (labelSelector?: string, fieldSelector?: string): Promise<string[]> => {
    const list = (await api.listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: WIDGETS, labelSelector, fieldSelector })) as { items: Widget[] };
    return list.items.map((w) => w.metadata?.name ?? '').filter((n) => n.startsWith('l-'));
  };

  it.each([
    ['tier=web', ['l-a', 'l-c']],
    ['tier==web', ['l-a', 'l-c']],
    ['tier!=web', ['l-b']],
    ['tier in (web, db),env=prod', ['l-a', 'l-b']],
    ['env notin (prod)', ['l-c']],
    ['rank', ['l-a', 'l-b']],
    ['!rank', ['l-c']],
    ['rank>5', ['l-b']],
    ['rank<5', ['l-a']],
  ])('when the label selector is %s, then the list holds %j', async (selector, expected) => {
    expect(await names(selector)).toEqual(expected);
  });

  it('when the field selector is metadata.name=l-b, then only that object is listed', async () => {
    expect(await names(undefined, 'metadata.name=l-b')).toEqual(['l-b']);
    expect(await names(undefined, 'metadata.name!=l-b,metadata.namespace=team-a')).toEqual(['l-a', 'l-c']);
  });

  it('when a selector cannot be parsed or a field is not selectable, then list answers 400', async () => {
    expect(statusOf(await failure(names('tier in (web')))).toBe(400);
    const error = await failure(names(undefined, 'spec.size=1'));
    expect(statusOf(error)).toBe(400);
    expect(bodyOf(error).message).toBe('field label not supported: spec.size');
  });

  it('when listing across namespaces, then the cluster-wide path returns objects of every namespace', async () => {
    const list = (await api.listClusterCustomObject({ group: GROUP, version: VERSION, plural: WIDGETS, labelSelector: 'tier' })) as { items: Widget[] };
    expect(list.items.every((w) => w.metadata?.namespace === ns)).toBe(true);
    expect(list.items).toHaveLength(3);
  });
});

describe('patch with explicit content types', () => {
  it('when a merge patch changes spec, then generation is bumped and the change is stored', async () => {
    await create(widget('p1', 1));
    const patched = (await api.patchNamespacedCustomObject({ ...ref('p1'), body: { spec: { size: 5 } } }, mergePatch)) as Widget;
    expect(patched.spec?.size).toBe(5);
    expect(patched.metadata?.generation).toBe(2);
  });

  it('when a merge patch only changes labels, then generation stays', async () => {
    await create(widget('p2', 1));
    const patched = (await api.patchNamespacedCustomObject({ ...ref('p2'), body: { metadata: { labels: { a: 'b' } } } }, mergePatch)) as Widget;
    expect(patched.metadata?.labels).toEqual({ a: 'b' });
    expect(patched.metadata?.generation).toBe(1);
  });

  it('when a merge patch only adds a finalizer and an annotation, then generation stays while resourceVersion moves', async () => {
    const created = await create(widget('p8', 1));
    const patched = (await api.patchNamespacedCustomObject({ ...ref('p8'), body: { metadata: { finalizers: ['example.com/keep'], annotations: { note: 'x' } } } }, mergePatch)) as Widget;
    expect(patched.metadata?.generation).toBe(1);
    expect(Number(patched.metadata?.resourceVersion)).toBeGreaterThan(Number(created.metadata?.resourceVersion));
  });

  it('when a JSON patch is sent, then its operations apply, and a failed test op answers 422', async () => {
    await create(widget('p3', 1));
    const ops = [{ op: 'test', path: '/spec/size', value: 1 }, { op: 'replace', path: '/spec/size', value: 9 }, { op: 'add', path: '/metadata/labels', value: { x: 'y' } }];
    const patched = (await api.patchNamespacedCustomObject({ ...ref('p3'), body: ops }, jsonPatch)) as Widget;
    expect(patched.spec?.size).toBe(9);
    expect(patched.metadata?.labels).toEqual({ x: 'y' });
    const error = await failure(api.patchNamespacedCustomObject({ ...ref('p3'), body: [{ op: 'test', path: '/spec/size', value: 1 }] }, jsonPatch));
    expect(statusOf(error)).toBe(422);
  });

  it('when a JSON patch tests a missing member against null, then the test holds, as in the server\'s JSON-patch library', async () => {
    await create(widget('p7', 1));
    const ops = [{ op: 'test', path: '/metadata/deletionTimestamp', value: null }, { op: 'replace', path: '/spec/size', value: 2 }];
    expect(((await api.patchNamespacedCustomObject({ ...ref('p7'), body: ops }, jsonPatch)) as Widget).spec?.size).toBe(2);
    const error = await failure(api.patchNamespacedCustomObject({ ...ref('p7'), body: [{ op: 'test', path: '/spec/size', value: null }] }, jsonPatch));
    expect(bodyOf(error)).toMatchObject({ code: 422, reason: 'Invalid', message: 'the server rejected our request due to an error in our request', details: {} });
  });

  it('when a strategic merge patch is sent to a custom resource, then it answers 415 UnsupportedMediaType', async () => {
    await create(widget('p4', 1));
    const error = await failure(api.patchNamespacedCustomObject({ ...ref('p4'), body: { spec: { size: 2 } } }, strategicPatch));
    expect(statusOf(error)).toBe(415);
    expect(bodyOf(error)).toMatchObject({
      reason: 'UnsupportedMediaType',
      message: 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
    });
  });

  it('when a patch carries a stale metadata.resourceVersion, then it answers 409 Conflict', async () => {
    await create(widget('p5', 1));
    const error = await failure(api.patchNamespacedCustomObject({ ...ref('p5'), body: { metadata: { resourceVersion: '1' }, spec: { size: 2 } } }, mergePatch));
    expect(statusOf(error)).toBe(409);
    expect(bodyOf(error).reason).toBe('Conflict');
  });

  it('when a patch changes nothing, then the resourceVersion stays', async () => {
    const created = await create(widget('p6', 1));
    const patched = (await api.patchNamespacedCustomObject({ ...ref('p6'), body: { spec: { size: 1 } } }, mergePatch)) as Widget;
    expect(patched.metadata?.resourceVersion).toBe(created.metadata?.resourceVersion);
  });
});

describe('status subresource', () => {
  it('when status is written on the main resource, then it is ignored; through /status only status changes', async () => {
    const created = await create({ ...widget('s1', 1), status: { phase: 'Set' } });
    expect(created.status).toBeUndefined();
    const main = (await api.patchNamespacedCustomObject({ ...ref('s1'), body: { status: { phase: 'Main' } } }, mergePatch)) as Widget;
    expect(main.status).toBeUndefined();
    const status = (await api.patchNamespacedCustomObjectStatus({ ...ref('s1'), body: { status: { phase: 'Done' }, spec: { size: 7 }, metadata: { labels: { ignored: 'yes' } } } }, mergePatch)) as Widget;
    expect(status.status).toEqual({ phase: 'Done' });
    expect(status.spec?.size).toBe(1);
    expect(status.metadata?.labels).toBeUndefined();
    expect(status.metadata?.generation).toBe(1);
    const afterSpec = (await api.patchNamespacedCustomObject({ ...ref('s1'), body: { spec: { size: 2 } } }, mergePatch)) as Widget;
    expect(afterSpec.status).toEqual({ phase: 'Done' });
  });

  it('when /status is read, then the whole object is returned', async () => {
    await create(widget('s2', 4));
    const fetched = (await api.getNamespacedCustomObjectStatus(ref('s2'))) as Widget;
    expect(fetched.spec?.size).toBe(4);
  });
});

describe('update (PUT)', () => {
  it('when the resourceVersion is current, then the update is stored; when stale, then 409 Conflict', async () => {
    const created = await create(widget('u1', 1));
    const updated = (await api.replaceNamespacedCustomObject({ ...ref('u1'), body: { ...created, spec: { size: 2 } } })) as Widget;
    expect(updated.spec?.size).toBe(2);
    expect(updated.metadata?.generation).toBe(2);
    const error = await failure(api.replaceNamespacedCustomObject({ ...ref('u1'), body: { ...created, spec: { size: 3 } } }));
    expect(statusOf(error)).toBe(409);
    expect(bodyOf(error).message).toBe('Operation cannot be fulfilled on widgets.example.com "u1": the object has been modified; please apply your changes to the latest version and try again');
  });

  it('when the resourceVersion is missing, then the update answers 422', async () => {
    const created = await create(widget('u2', 1));
    const body = { ...created, metadata: { ...created.metadata, resourceVersion: undefined } };
    const error = await failure(api.replaceNamespacedCustomObject({ ...ref('u2'), body }));
    expect(statusOf(error)).toBe(422);
    expect(bodyOf(error).message).toBe('widgets.example.com "u2" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update');
  });
});

describe('delete', () => {
  it('when an object has no finalizers, then delete removes it and answers a Success Status', async () => {
    await create(widget('d1'));
    const status = (await api.deleteNamespacedCustomObject(ref('d1'))) as { kind: string; status: string; details: { name: string } };
    expect(status).toMatchObject({ kind: 'Status', status: 'Success', details: { name: 'd1' } });
    expect(statusOf(await failure(api.getNamespacedCustomObject(ref('d1'))))).toBe(404);
  });

  it('when an object has finalizers, then delete marks it and it goes when the last finalizer is removed', async () => {
    await create({ ...widget('d2'), metadata: { name: 'd2', finalizers: ['example.com/a', 'example.com/b'] } });
    const marked = (await api.deleteNamespacedCustomObject(ref('d2'))) as Widget;
    expect(marked.metadata?.deletionTimestamp).toBeDefined();
    expect(marked.metadata?.generation).toBe(2);
    const addFinalizer = await failure(api.patchNamespacedCustomObject({ ...ref('d2'), body: { metadata: { finalizers: ['example.com/a', 'example.com/b', 'example.com/c'] } } }, mergePatch));
    expect(statusOf(addFinalizer)).toBe(422);
    await api.patchNamespacedCustomObject({ ...ref('d2'), body: { metadata: { finalizers: ['example.com/b'] } } }, mergePatch);
    expect(((await api.getNamespacedCustomObject(ref('d2'))) as Widget).metadata?.finalizers).toEqual(['example.com/b']);
    await api.patchNamespacedCustomObject({ ...ref('d2'), body: [{ op: 'remove', path: '/metadata/finalizers' }] }, jsonPatch);
    expect(statusOf(await failure(api.getNamespacedCustomObject(ref('d2'))))).toBe(404);
  });

  it('when deletecollection has a label selector, then only matching objects are deleted', async () => {
    await create(widget('dc-1', 1, { batch: 'x' }));
    await create(widget('dc-2', 1, { batch: 'x' }));
    await create(widget('dc-3', 1, { batch: 'y' }));
    await api.deleteCollectionNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: WIDGETS, labelSelector: 'batch=x' });
    const left = (await api.listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: WIDGETS, labelSelector: 'batch' })) as { items: Widget[] };
    expect(left.items.map((w) => w.metadata?.name)).toEqual(['dc-3']);
  });
});

describe('metadata', () => {
  it('when the last label and finalizer are removed, then metadata carries no empty map or list', async () => {
    await create({ ...widget('m1', 1, { a: 'b' }), metadata: { name: 'm1', labels: { a: 'b' }, finalizers: ['example.com/x'] } });
    const patched = (await api.patchNamespacedCustomObject({ ...ref('m1'), body: { metadata: { labels: { a: null }, finalizers: [] } } }, mergePatch)) as Widget;
    expect(patched.metadata).not.toHaveProperty('labels');
    expect(patched.metadata).not.toHaveProperty('finalizers');
  });
});
