import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import { startApiServer } from '../../local/apiserver/index.js';
import type { ApiServer } from '../../local/apiserver/index.js';
import { GROUP, VERSION, WIDGETS, WIDGET_CRD, kubeConfigFor, statusOf, widget } from './client-node-fixtures.js';
import type { Widget } from './client-node-fixtures.js';

const START = new Date('2026-01-01T00:00:00Z');
let clock = START;
let server: ApiServer;
let kc: k8s.KubeConfig;

const AGGREGATED_ACCEPT = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

/** A CRD whose printer columns meet several values, numbers in a string column, a fraction, and a bad date. */
const GAUGE_CRD = {
  apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: `gauges.${GROUP}` },
  spec: {
    group: GROUP, scope: 'Namespaced', names: { plural: 'gauges', kind: 'Gauge' },
    versions: [{
      name: VERSION, served: true, storage: true,
      schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } } },
      additionalPrinterColumns: [
        { name: 'Tags', type: 'string', jsonPath: '.spec.tags[*]' }, { name: 'Count', type: 'string', jsonPath: '.spec.count' },
        { name: 'Ratio', type: 'integer', jsonPath: '.spec.ratio' }, { name: 'When', type: 'date', jsonPath: '.spec.when' },
        { name: 'Meta', type: 'string', jsonPath: '.spec.meta' }, { name: 'Flag', type: 'boolean', jsonPath: '.spec.count' },
      ],
    }],
  },
};

beforeAll(async () => {
  server = await startApiServer({ crds: [WIDGET_CRD], crdFiles: ['local/crds/tekton.yaml'], now: () => clock });
  kc = kubeConfigFor(server.kubeconfig({ namespace: 'default' }));
});
afterAll(() => server.stop());

async function getJson(path: string, accept = 'application/json'): Promise<{ status: number; type: string | null; body: Record<string, unknown> }> {
  const response = await fetch(server.url + path, { headers: { accept } });
  return { status: response.status, type: response.headers.get('content-type'), body: (await response.json()) as Record<string, unknown> };
}

describe('discovery', () => {
  it('when /version is asked, then it reports minor "32" so the kubectl dispatcher picks 1.32', async () => {
    expect((await getJson('/version')).body).toMatchObject({ major: '1', minor: '32', gitVersion: expect.stringMatching(/^v1\.32\./) });
  });

  it('when /api and /apis are asked plainly, then they answer APIVersions and APIGroupList', async () => {
    expect((await getJson('/api')).body).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    const groups = (await getJson('/apis')).body as { kind: string; groups: Array<{ name: string; preferredVersion: { groupVersion: string } }> };
    expect(groups.kind).toBe('APIGroupList');
    expect(groups.groups.map((g) => g.name).sort()).toEqual(['apiextensions.k8s.io', GROUP, 'tekton.dev']);
  });

  it('when a group version is asked, then each resource is listed before its /status entry with kind, verbs and short names', async () => {
    const list = (await getJson(`/apis/${GROUP}/${VERSION}`)).body as { resources: Array<Record<string, unknown>> };
    expect(list.resources).toEqual([
      { name: WIDGETS, singularName: 'widget', namespaced: true, kind: 'Widget', verbs: ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'], shortNames: ['wd'] },
      { name: `${WIDGETS}/status`, singularName: '', namespaced: true, kind: 'Widget', verbs: ['get', 'patch', 'update'] },
    ]);
    const core = (await getJson('/api/v1')).body as { resources: Array<{ name: string; namespaced: boolean }> };
    expect(core.resources.find((r) => r.name === 'namespaces')).toMatchObject({ namespaced: false, kind: 'Namespace', shortNames: ['ns'] });
  });

  it('when kubectl asks for aggregated discovery, then the answer has the apidiscovery v2 content type and every resource', async () => {
    const apis = await getJson('/apis', AGGREGATED_ACCEPT);
    expect(apis.type).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    const items = apis.body.items as Array<{ metadata: { name: string }; versions: Array<{ version: string; resources: Array<Record<string, unknown>> }> }>;
    const widgets = items.find((i) => i.metadata.name === GROUP)?.versions[0]?.resources[0];
    expect(widgets).toMatchObject({ resource: WIDGETS, scope: 'Namespaced', singularResource: 'widget', responseKind: { group: GROUP, version: VERSION, kind: 'Widget' }, subresources: [{ subresource: 'status' }] });
    const core = await getJson('/api', AGGREGATED_ACCEPT);
    expect((core.body.items as Array<{ metadata: { name: string } }>).map((i) => i.metadata.name)).toEqual(['']);
  });

  it('when a path is not served, then it answers a 404 Status', async () => {
    const missing = await getJson('/apis/nothing.example.com/v1/things');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ kind: 'Status', reason: 'NotFound' });
  });
});

describe('OpenAPI v3', () => {
  it('when /openapi/v3 is asked, then every group version has a document whose URL carries a content hash', async () => {
    const root = (await getJson('/openapi/v3')).body as { paths: Record<string, { serverRelativeURL: string }> };
    const url = root.paths[`apis/${GROUP}/${VERSION}`]?.serverRelativeURL ?? '';
    expect(url).toMatch(/^\/openapi\/v3\/apis\/example\.com\/v1\?hash=[0-9A-F]{128}$/);
    const doc = (await getJson(url)).body as { openapi: string; components: { schemas: Record<string, unknown> } };
    expect(doc.openapi).toBe('3.0.0');
    expect(Object.keys(doc.components.schemas)).toContain('com.example.v1.Widget');
  });
});

describe('Table output for kubectl get', () => {
  it('when a list is asked as a Table, then Name and the printer columns come with rendered cells and ages from the server clock', async () => {
    const api = kc.makeApiClient(k8s.CustomObjectsApi);
    await api.createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: 'default', plural: WIDGETS, body: widget('t1', 7) });
    clock = new Date(START.getTime() + 5 * 60_000);
    const table = (await getJson(`/apis/${GROUP}/${VERSION}/namespaces/default/${WIDGETS}?limit=500`, TABLE_ACCEPT)).body as {
      kind: string; columnDefinitions: Array<{ name: string; type: string; format: string }>; rows: Array<{ cells: unknown[]; object: { kind: string; metadata: { name: string } } }>;
    };
    expect(table.kind).toBe('Table');
    expect(table.columnDefinitions.map((c) => [c.name, c.type])).toEqual([['Name', 'string'], ['Size', 'integer'], ['Ready', 'string'], ['Age', 'date']]);
    expect(table.columnDefinitions[0]?.format).toBe('name');
    expect(table.rows[0]?.cells).toEqual(['t1', 7, null, '5m']);
    expect(table.rows[0]?.object).toMatchObject({ kind: 'PartialObjectMetadata', metadata: { name: 't1' } });
  });

  it('when printer columns find several values or values of another type, then cells are rendered as the CRD table convertor does', async () => {
    const own = await startApiServer({ crds: [GAUGE_CRD], now: () => START });
    const response = await fetch(`${own.url}/apis/${GROUP}/${VERSION}/namespaces/default/gauges`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apiVersion: `${GROUP}/${VERSION}`, kind: 'Gauge', metadata: { name: 'g1' }, spec: { tags: ['a', 'b'], count: 5, ratio: 2.7, when: 'soon', meta: { k: 'v' } } }),
    });
    expect(response.status).toBe(201);
    const table = (await (await fetch(`${own.url}/apis/${GROUP}/${VERSION}/namespaces/default/gauges`, { headers: { accept: TABLE_ACCEPT } })).json()) as { rows: Array<{ cells: unknown[] }> };
    await own.stop();
    expect(table.rows[0]?.cells).toEqual(['g1', 'a', '5', 2, '<invalid>', '{"k":"v"}', null]);
  });

  it('when a resource has no printer columns, then the Table has Name and Age', async () => {
    const table = (await getJson('/apis/tekton.dev/v1/namespaces/default/pipelines', TABLE_ACCEPT)).body as { columnDefinitions: Array<{ name: string }> };
    expect(table.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Age']);
  });
});

describe('KubernetesObjectApi', () => {
  it('when objects are created, read, patched, listed and deleted by apiVersion and kind, then discovery resolves the resource', async () => {
    const client = k8s.KubernetesObjectApi.makeApiClient(kc);
    const spec = { ...widget('koa-1', 2, { via: 'object-api' }), metadata: { name: 'koa-1', namespace: 'default', labels: { via: 'object-api' } } };
    await client.create(spec);
    const read = (await client.read({ apiVersion: spec.apiVersion, kind: 'Widget', metadata: { name: 'koa-1', namespace: 'default' } })) as Widget;
    expect(read.spec?.size).toBe(2);
    const patched = (await client.patch({ ...spec, spec: { size: 3 } }, undefined, undefined, undefined, undefined, k8s.PatchStrategy.MergePatch)) as Widget;
    expect(patched.spec?.size).toBe(3);
    const list = await client.list(spec.apiVersion ?? '', 'Widget', 'default', undefined, undefined, undefined, undefined, 'via=object-api');
    expect(list.items.map((i) => i.metadata?.name)).toEqual(['koa-1']);
    await client.delete(spec);
    expect(statusOf(await client.read(spec).catch((e: unknown) => e))).toBe(404);
  });

  it('when KubernetesObjectApi patches a CR with its default strategic merge, then the server answers 415', async () => {
    const client = k8s.KubernetesObjectApi.makeApiClient(kc);
    const spec = { ...widget('koa-2'), metadata: { name: 'koa-2', namespace: 'default' } };
    await client.create(spec);
    expect(statusOf(await client.patch({ ...spec, spec: { size: 5 } }).catch((e: unknown) => e))).toBe(415);
  });
});

describe('CRDs created at run time', () => {
  const gadgets = {
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'gadgets.tools.example.org' },
    spec: {
      group: 'tools.example.org', scope: 'Cluster', names: { plural: 'gadgets', kind: 'Gadget' },
      versions: [{ name: 'v1beta1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
    },
  };

  it('when a CRD is created, then it is Established with defaulted names, appears in discovery and serves its resource', async () => {
    const ext = kc.makeApiClient(k8s.ApiextensionsV1Api);
    const created = await ext.createCustomResourceDefinition({ body: gadgets as k8s.V1CustomResourceDefinition });
    expect(created.status?.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual([['NamesAccepted', 'True', 'NoConflicts'], ['Established', 'True', 'InitialNamesAccepted']]);
    expect(created.status?.acceptedNames).toMatchObject({ singular: 'gadget', listKind: 'GadgetList' });
    const groups = (await getJson('/apis')).body as { groups: Array<{ name: string }> };
    expect(groups.groups.map((g) => g.name)).toContain('tools.example.org');
    const api = kc.makeApiClient(k8s.CustomObjectsApi);
    await api.createClusterCustomObject({ group: 'tools.example.org', version: 'v1beta1', plural: 'gadgets', body: { apiVersion: 'tools.example.org/v1beta1', kind: 'Gadget', metadata: { name: 'g1' }, anything: 1 } });
    const root = (await getJson('/openapi/v3')).body as { paths: Record<string, unknown> };
    expect(Object.keys(root.paths)).toContain('apis/tools.example.org/v1beta1');
  });

  it('when a CRD is deleted, then its resource and objects are gone', async () => {
    const ext = kc.makeApiClient(k8s.ApiextensionsV1Api);
    await ext.deleteCustomResourceDefinition({ name: 'gadgets.tools.example.org' });
    expect((await getJson('/apis/tools.example.org/v1beta1/gadgets')).status).toBe(404);
    expect((await getJson('/apis/tools.example.org/v1beta1')).status).toBe(404);
    await ext.createCustomResourceDefinition({ body: gadgets as k8s.V1CustomResourceDefinition });
    expect((await getJson('/apis/tools.example.org/v1beta1/gadgets')).body.items).toEqual([]);
  });

  it('when a CRD is not valid, then create answers 422', async () => {
    const ext = kc.makeApiClient(k8s.ApiextensionsV1Api);
    const bad = { ...gadgets, metadata: { name: 'wrong.name' } } as k8s.V1CustomResourceDefinition;
    expect(statusOf(await ext.createCustomResourceDefinition({ body: bad }).catch((e: unknown) => e))).toBe(422);
  });
});
