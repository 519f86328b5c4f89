import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ApiServer } from '../../local/apiserver/index.js';
import { startTestApiServer } from '../support/test-api-server.js';
import { describeIfKubectl, kubectlFor, parseTable, type Kubectl } from './kubectl-cli.js';
import { WIDGET_CRD, widgetYaml } from './kubectl-fixtures.js';

const PROJECT_CRDS = ['../../knative/crds/internalrequests.yaml', '../../local/crds/tekton.yaml'].map((file) => fileURLToPath(new URL(file, import.meta.url)));

describeIfKubectl(describe, 'kubectl discovery/explain/validation')('kubectl against the API server: discovery, explain, namespaces and validation', () => {
  let server: ApiServer;
  let kubectl: Kubectl;

  beforeAll(async () => {
    server = await startTestApiServer({ crds: [WIDGET_CRD], crdFiles: PROJECT_CRDS });
    kubectl = await kubectlFor(server);
  });

  afterAll(async () => {
    await kubectl?.dispose();
    await server?.stop();
  });

  it('when resources are listed, then api-resources shows namespaces and the widget CRD with its short name', async () => {
    const result = await kubectl.run(['api-resources']);
    expect(result.code).toBe(0);
    const rows = parseTable(result.stdout);
    expect(rows).toContainEqual({ NAME: 'widgets', SHORTNAMES: 'wd', APIVERSION: 'example.com/v1', NAMESPACED: 'true', KIND: 'Widget' });
    expect(rows).toContainEqual({ NAME: 'namespaces', SHORTNAMES: 'ns', APIVERSION: 'v1', NAMESPACED: 'false', KIND: 'Namespace' });
    expect(rows).toContainEqual(expect.objectContaining({ NAME: 'customresourcedefinitions', APIVERSION: 'apiextensions.k8s.io/v1', KIND: 'CustomResourceDefinition' }));
  });

  it('when a short name is used, then kubectl resolves it through discovery', async () => {
    await kubectl.run(['create', '-f', '-'], widgetYaml('short', '  size: 1'));
    expect(await kubectl.run(['get', 'wd', 'short', '-o', 'name'])).toMatchObject({ code: 0, stdout: 'widget.example.com/short\n' });
  });

  it('when a field is explained, then kubectl shows its type, description and fields from the OpenAPI v3 document', async () => {
    const result = await kubectl.run(['explain', 'widget.spec']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('FIELD: spec <Object>');
    expect(result.stdout).toContain('WidgetSpec is the desired state of a widget.');
    expect(result.stdout).toMatch(/size\s+<integer> -required-\n\s+How many parts the widget has\./);
    expect(result.stdout).toMatch(/color\s+<string>\n\s+enum: red, green, blue/);
  });

  it('when metadata is explained, then kubectl follows the reference to ObjectMeta', async () => {
    const result = await kubectl.run(['explain', 'widget.metadata.labels']);
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toContain('FIELD: labels <map[string]string>');
  });

  it('when the InternalRequest spec is explained, then its fields are shown', async () => {
    const result = await kubectl.run(['explain', 'internalrequest.spec']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('KIND:       InternalRequest');
    expect(result.stdout).toMatch(/pipeline\s+<Object> -required-/);
  });

  it('when a CRD is applied at run time, then kubectl discovers the new resource and can create one', async () => {
    const crd = JSON.stringify({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'gadgets.example.com' },
      spec: {
        group: 'example.com', scope: 'Cluster', names: { kind: 'Gadget', plural: 'gadgets', singular: 'gadget' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { mode: { type: 'string' } } } } } } }],
      },
    });
    expect(await kubectl.run(['apply', '-f', '-'], crd)).toMatchObject({ code: 0, stdout: 'customresourcedefinition.apiextensions.k8s.io/gadgets.example.com created\n' });
    const gadget = 'apiVersion: example.com/v1\nkind: Gadget\nmetadata:\n  name: g1\nspec:\n  mode: fast\n';
    expect(await kubectl.run(['create', '-f', '-'], gadget)).toMatchObject({ code: 0, stdout: 'gadget.example.com/g1 created\n' });
    expect((await kubectl.run(['get', 'gadgets', '-o', 'name'])).stdout).toBe('gadget.example.com/g1\n');
  });

  it('when a PipelineRun with Tekton fields is applied, then every spec field is kept and get shows the Tekton columns', async () => {
    const run = `apiVersion: tekton.dev/v1
kind: PipelineRun
metadata:
  name: build-1
spec:
  pipelineRef:
    resolver: cluster
    params: [{name: name, value: build}]
  timeouts: {pipeline: 1h}
`;
    expect(await kubectl.run(['apply', '-f', '-'], run)).toMatchObject({ code: 0, stdout: 'pipelinerun.tekton.dev/build-1 created\n' });
    const stored = JSON.parse((await kubectl.run(['get', 'pr', 'build-1', '-o', 'json'])).stdout) as { spec: object };
    expect(stored.spec).toEqual({ pipelineRef: { resolver: 'cluster', params: [{ name: 'name', value: 'build' }] }, timeouts: { pipeline: '1h' } });
    const result = await kubectl.run(['get', 'pipelineruns']);
    expect(result.stdout.split('\n')[0]?.split(/\s+/)).toEqual(['NAME', 'SUCCEEDED', 'REASON', 'STARTTIME', 'COMPLETIONTIME']);
  });

  it('when a namespace is created by name, then the protobuf request is understood and the namespace is Active', async () => {
    expect(await kubectl.run(['create', 'namespace', 'team-a'])).toMatchObject({ code: 0, stdout: 'namespace/team-a created\n' });
    const [row] = parseTable((await kubectl.run(['get', 'namespace', 'team-a'])).stdout);
    expect(row).toMatchObject({ NAME: 'team-a', STATUS: 'Active' });
    expect((await kubectl.run(['create', '-f', '-', '-n', 'team-a'], widgetYaml('in-team', '  size: 1'))).code).toBe(0);
  });

  it('when a widget breaks its schema, then kubectl prints the 422 Invalid message with each field error', async () => {
    const result = await kubectl.run(['create', '-f', '-'], widgetYaml('bad', '  size: big\n  color: pink'));
    expect(result.code).toBe(1);
    const [headline, ...causes] = result.stderr.trimEnd().split('\n');
    expect(headline).toBe('The Widget "bad" is invalid: ');
    expect(causes.sort()).toEqual([
      '* spec.color: Unsupported value: "pink": supported values: "red", "green", "blue"',
      '* spec.size: Invalid value: "string": spec.size in body must be of type integer: "string"',
    ]);
  });

  it('when a widget misses a required field and its pattern, then both are reported', async () => {
    const result = await kubectl.run(['create', '-f', '-'], widgetYaml('bad2', '  label: Not-Lower'));
    expect(result.stderr).toContain(`* spec.label: Invalid value: "Not-Lower": spec.label in body should match '^[a-z]+$'`);
    expect(result.stderr).toContain('* spec.size: Required value');
  });

  it('when a widget has an unknown field, then default strict validation makes create fail', async () => {
    const result = await kubectl.run(['create', '-f', '-'], widgetYaml('unknown', '  size: 1\n  shape: round'));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Error from server (BadRequest): error when creating "STDIN": Widget in version "v1" cannot be handled as a Widget: strict decoding error: unknown field "spec.shape"');
    expect((await kubectl.run(['get', 'widget', 'unknown'])).stderr).toContain('NotFound');
  });

  it('when an unknown field is applied with --validate=false, then the widget is created without it', async () => {
    const result = await kubectl.run(['apply', '--validate=false', '-f', '-'], widgetYaml('lenient', '  size: 1\n  shape: round'));
    expect(result).toMatchObject({ code: 0, stdout: 'widget.example.com/lenient created\n' });
    const widget = JSON.parse((await kubectl.run(['get', 'widget', 'lenient', '-o', 'json'])).stdout) as { spec: object };
    expect(widget.spec).toEqual({ size: 1, color: 'red' });
  });

  it('when a patch adds an unknown field, then the server warns and drops it, as kubectl patch asks for no strictness', async () => {
    await kubectl.run(['create', '-f', '-'], widgetYaml('warned', '  size: 1'));
    const result = await kubectl.run(['patch', 'widget', 'warned', '--type=merge', '-p', '{"spec":{"shape":"round","size":2}}']);
    expect(result).toMatchObject({ code: 0, stdout: 'widget.example.com/warned patched\n', stderr: 'Warning: unknown field "spec.shape"\n' });
    const widget = JSON.parse((await kubectl.run(['get', 'widget', 'warned', '-o', 'json'])).stdout) as { spec: object };
    expect(widget.spec).toEqual({ size: 2, color: 'red' });
  });
});
