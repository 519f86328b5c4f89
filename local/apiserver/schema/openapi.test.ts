import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { buildOpenApi } from './openapi.js';
import type { CrdLike } from './types.js';

const internalRequests: CrdLike = {
  spec: {
    group: 'appstudio.redhat.com',
    scope: 'Namespaced',
    names: { kind: 'InternalRequest', plural: 'internalrequests', singular: 'internalrequest' },
    versions: [
      {
        name: 'v1alpha1', served: true, storage: true, subresources: { status: {} },
        schema: { openAPIV3Schema: { type: 'object', description: 'InternalRequest is the Schema for the internalrequests API', properties: { spec: { type: 'object', description: 'desired state', properties: { request: { type: 'string', description: 'the pipeline to run' } } } } } },
      },
      { name: 'v1old', served: false, storage: false },
    ],
  },
};
const clusterWidgets: CrdLike = {
  spec: { group: 'example.com', scope: 'Cluster', names: { kind: 'Widget', plural: 'widgets', listKind: 'WidgetCollection' }, versions: [{ name: 'v1', served: true }] },
};

type Doc = { openapi: string; paths: Record<string, Record<string, Record<string, unknown>>>; components: { schemas: Record<string, Record<string, unknown>> } };
const doc = (crds: CrdLike[], key: string): Doc => buildOpenApi({ crds }).documents.get(key) as Doc;

describe('buildOpenApi', () => {
  it('when CRDs are served, then the root lists api/v1, the CRD group and each served CRD version with a content hash', () => {
    const { root, documents } = buildOpenApi({ crds: [internalRequests, clusterWidgets] });
    const paths = (root as { paths: Record<string, { serverRelativeURL: string }> }).paths;
    expect(Object.keys(paths).sort()).toEqual(['api/v1', 'apis/apiextensions.k8s.io/v1', 'apis/appstudio.redhat.com/v1alpha1', 'apis/example.com/v1']);
    const hash = createHash('sha512').update(JSON.stringify(documents.get('apis/example.com/v1'))).digest('hex').toUpperCase();
    expect(paths['apis/example.com/v1']?.serverRelativeURL).toBe(`/openapi/v3/apis/example.com/v1?hash=${hash}`);
  });

  it('when a schema changes, then the hash of its document changes and the others stay', () => {
    const before = buildOpenApi({ crds: [internalRequests, clusterWidgets] }).root as { paths: Record<string, { serverRelativeURL: string }> };
    const changed = structuredClone(clusterWidgets);
    (changed.spec.versions[0] as { schema?: object }).schema = { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object' } } } };
    const after = buildOpenApi({ crds: [internalRequests, changed] }).root as typeof before;
    expect(after.paths['apis/example.com/v1']).not.toEqual(before.paths['apis/example.com/v1']);
    expect(after.paths['apis/appstudio.redhat.com/v1alpha1']).toEqual(before.paths['apis/appstudio.redhat.com/v1alpha1']);
  });

  it('when a namespaced CRD has a status subresource, then namespaced, item, status and all-namespaces paths exist', () => {
    const d = doc([internalRequests], 'apis/appstudio.redhat.com/v1alpha1');
    const base = '/apis/appstudio.redhat.com/v1alpha1';
    expect(Object.keys(d.paths).sort()).toEqual([
      `${base}/internalrequests`,
      `${base}/namespaces/{namespace}/internalrequests`,
      `${base}/namespaces/{namespace}/internalrequests/{name}`,
      `${base}/namespaces/{namespace}/internalrequests/{name}/status`,
    ]);
    const item = d.paths[`${base}/namespaces/{namespace}/internalrequests/{name}`] ?? {};
    expect(Object.keys(item).sort()).toEqual(['delete', 'get', 'parameters', 'patch', 'put']);
    expect(item.patch?.['x-kubernetes-action']).toBe('patch');
    expect(item.patch?.['x-kubernetes-group-version-kind']).toEqual({ group: 'appstudio.redhat.com', version: 'v1alpha1', kind: 'InternalRequest' });
  });

  it('when kubectl looks for server-side validation, then the PATCH operation has a fieldValidation query parameter', () => {
    const d = doc([internalRequests], 'apis/appstudio.redhat.com/v1alpha1');
    const patch = d.paths['/apis/appstudio.redhat.com/v1alpha1/namespaces/{namespace}/internalrequests/{name}']?.patch as { parameters: Array<{ name: string; in: string }> };
    expect(patch.parameters).toContainEqual(expect.objectContaining({ name: 'fieldValidation', in: 'query' }));
  });

  it('when a CRD version is not served, then it has no document', () => {
    expect(buildOpenApi({ crds: [internalRequests] }).documents.has('apis/appstudio.redhat.com/v1old')).toBe(false);
  });

  it('when schemas are named, then they use the reversed group and carry their GVK as a list, with metadata as ObjectMeta', () => {
    const { schemas } = doc([internalRequests], 'apis/appstudio.redhat.com/v1alpha1').components;
    const kind = schemas['com.redhat.appstudio.v1alpha1.InternalRequest'] as { properties: Record<string, unknown>; 'x-kubernetes-group-version-kind': unknown };
    expect(kind['x-kubernetes-group-version-kind']).toEqual([{ group: 'appstudio.redhat.com', kind: 'InternalRequest', version: 'v1alpha1' }]);
    expect(kind.properties.metadata).toMatchObject({ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' });
    expect(kind.properties.spec).toMatchObject({ description: 'desired state' });
    expect(schemas['com.redhat.appstudio.v1alpha1.InternalRequestList']?.['x-kubernetes-group-version-kind']).toEqual([{ group: 'appstudio.redhat.com', kind: 'InternalRequestList', version: 'v1alpha1' }]);
    expect(schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']?.properties).toHaveProperty('labels');
    expect(schemas).toHaveProperty(['io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta']);
  });

  it('when a CRD is cluster-scoped with a custom listKind and no schema, then paths are cluster-wide and unknown fields are preserved', () => {
    const d = doc([clusterWidgets], 'apis/example.com/v1');
    expect(Object.keys(d.paths).sort()).toEqual(['/apis/example.com/v1/widgets', '/apis/example.com/v1/widgets/{name}']);
    expect(d.components.schemas['com.example.v1.Widget']).toMatchObject({ 'x-kubernetes-preserve-unknown-fields': true });
    expect(d.components.schemas).toHaveProperty(['com.example.v1.WidgetCollection']);
  });

  it('when namespaces are described, then api/v1 holds the Namespace schema and cluster-wide paths', () => {
    const d = doc([], 'api/v1');
    expect(d.openapi).toBe('3.0.0');
    expect(d.components.schemas['io.k8s.api.core.v1.Namespace']?.['x-kubernetes-group-version-kind']).toEqual([{ group: '', kind: 'Namespace', version: 'v1' }]);
    expect(Object.keys(d.paths)).toContain('/api/v1/namespaces/{name}/status');
  });
});
