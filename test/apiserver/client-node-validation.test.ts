import { startTestApiServer } from '../support/test-api-server.js';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import type { ApiServer } from '../../local/apiserver/index.js';
import { GROUP, VERSION, WIDGETS, WIDGET_CRD, bodyOf, kubeConfigFor, mergePatch, statusOf, widget } from './client-node-fixtures.js';
import type { Widget } from './client-node-fixtures.js';

let server: ApiServer;
let api: k8s.CustomObjectsApi;
const ns = 'checks';
const where = { group: GROUP, version: VERSION, namespace: ns, plural: WIDGETS };
const failure = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => { throw new Error('expected a failure'); }, (e: unknown) => e);
const create = (body: object): Promise<Widget> => api.createNamespacedCustomObject({ ...where, body }) as Promise<Widget>;
const withMeta = (name: string, meta: object): Widget => ({ ...widget(name), metadata: { name, ...meta } });

const NAME_PART = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

beforeAll(async () => {
  server = await startTestApiServer({ crds: [WIDGET_CRD], namespaces: [ns] });
  api = kubeConfigFor(server.kubeconfig()).makeApiClient(k8s.CustomObjectsApi);
});
afterAll(() => server.stop());

describe('metadata keys and finalizer names are qualified names', () => {
  it.each([
    ['a label key', { labels: { 'bad key': 'v' } }, `metadata.labels: Invalid value: "bad key": ${NAME_PART}`],
    ['an annotation key', { annotations: { 'example.com/a:b': 'v' } }, `metadata.annotations: Invalid value: "example.com/a:b": ${NAME_PART}`],
    ['a finalizer', { finalizers: ['example.com/not allowed'] }, `metadata.finalizers: Invalid value: "example.com/not allowed": ${NAME_PART}`],
  ])('when %s is not a qualified name, then create answers 422 naming it', async (_what, meta, message) => {
    const error = await failure(create(withMeta('bad-meta', meta)));
    expect(statusOf(error)).toBe(422);
    expect(bodyOf(error).message).toBe(`Widget.example.com "bad-meta" is invalid: ${message}`);
  });

  it('when a key prefix is not a DNS subdomain, then the prefix part is named', async () => {
    const error = await failure(create(withMeta('bad-prefix', { labels: { 'Example.com/x': 'v' } })));
    expect(bodyOf(error).message).toContain('metadata.labels: Invalid value: "Example.com/x": prefix part a lowercase RFC 1123 subdomain must consist of');
  });

  it('when a patch adds an invalid finalizer, then it answers 422 as a create would', async () => {
    await create(widget('patched-meta'));
    const error = await failure(api.patchNamespacedCustomObject({ ...where, name: 'patched-meta', body: { metadata: { finalizers: ['no/good/name'] } } }, mergePatch));
    expect(statusOf(error)).toBe(422);
  });

  it('when annotations exceed 256 KiB in total, then create answers 422 Too long', async () => {
    const error = await failure(create(withMeta('big-notes', { annotations: { note: 'x'.repeat(256 * 1024) } })));
    expect(statusOf(error)).toBe(422);
    expect(bodyOf(error).message).toBe('Widget.example.com "big-notes" is invalid: metadata.annotations: Too long: may not be more than 262144 bytes');
  });

  it('when an owner reference lacks its uid, then create answers 422', async () => {
    const error = await failure(create(withMeta('owned', { ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'cm' }] })));
    expect(bodyOf(error).message).toBe('Widget.example.com "owned" is invalid: metadata.ownerReferences.uid: Invalid value: "": uid must not be empty');
  });

  it('when finalizers are added to an object being deleted, then the 422 lists them sorted', async () => {
    await create(withMeta('closing', { finalizers: ['example.com/a'] }));
    await api.deleteNamespacedCustomObject({ ...where, name: 'closing' });
    const error = await failure(api.patchNamespacedCustomObject({ ...where, name: 'closing', body: { metadata: { finalizers: ['example.com/a', 'example.com/z', 'example.com/b'] } } }, mergePatch));
    expect(bodyOf(error).message).toBe('Widget.example.com "closing" is invalid: metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"example.com/b", "example.com/z"}');
  });
});

describe('immutable metadata', () => {
  it('when a patch carries another uid, then it answers 422 field is immutable; a replace, 409 because its uid is a precondition', async () => {
    const created = await create(widget('recreated'));
    const patchError = await failure(api.patchNamespacedCustomObject({ ...where, name: 'recreated', body: { metadata: { uid: 'an-older-uid' }, spec: { size: 2 } } }, mergePatch));
    expect(statusOf(patchError)).toBe(422);
    expect(bodyOf(patchError).message).toBe('Widget.example.com "recreated" is invalid: metadata.uid: Invalid value: "an-older-uid": field is immutable');
    const body = { ...created, metadata: { ...created.metadata, uid: 'an-older-uid' } };
    const replaceError = await failure(api.replaceNamespacedCustomObject({ ...where, name: 'recreated', body }));
    expect(statusOf(replaceError)).toBe(409);
    expect(bodyOf(replaceError).message).toBe(`Operation cannot be fulfilled on widgets.example.com "recreated": StorageError: invalid object, Code: 4, Key: /registry/example.com/widgets/${ns}/recreated, ResourceVersion: 0, AdditionalErrorMsg: Precondition failed: UID in precondition: an-older-uid, UID in object meta: ${created.metadata?.uid ?? ""}`);
  });
});

describe('a custom resource body names its apiVersion and kind', () => {
  it('when kind is missing, then create answers 400', async () => {
    const error = await failure(create({ apiVersion: `${GROUP}/${VERSION}`, metadata: { name: 'no-kind' }, spec: { size: 1 } }));
    expect(statusOf(error)).toBe(400);
    expect(bodyOf(error).message).toMatch(/^the object provided is unrecognized \(must be of type Widget\): Object 'Kind' is missing in '/);
  });

  it('when apiVersion names another group or an unserved version, then create answers 400', async () => {
    for (const apiVersion of ['other.example.com/v1', `${GROUP}/v9`, '']) {
      const error = await failure(create({ apiVersion, kind: 'Widget', metadata: { name: 'wrong-version' }, spec: { size: 1 } }));
      expect(statusOf(error)).toBe(400);
      expect(bodyOf(error).message).toBe(`the API version in the data (${apiVersion}) does not match the expected API version (${GROUP}/${VERSION})`);
    }
  });

  it('when kind names another kind, then create answers 422', async () => {
    const error = await failure(create({ apiVersion: `${GROUP}/${VERSION}`, kind: 'Gadget', metadata: { name: 'gadget' }, spec: { size: 1 } }));
    expect(statusOf(error)).toBe(422);
    expect(bodyOf(error).message).toBe('Gadget.example.com "gadget" is invalid: kind: Invalid value: "Gadget": must be Widget');
  });

  it('when a replace drops kind, then it answers 400 too', async () => {
    const created = await create(widget('replaced'));
    const { kind: _kind, ...body } = created;
    expect(statusOf(await failure(api.replaceNamespacedCustomObject({ ...where, name: 'replaced', body })))).toBe(400);
  });
});
