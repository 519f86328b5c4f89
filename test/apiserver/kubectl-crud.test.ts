import { startTestApiServer } from '../support/test-api-server.js';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ApiServer } from '../../local/apiserver/index.js';
import { describeIfKubectl, kubectlFor, parseTable, until, type Kubectl } from './kubectl-cli.js';
import { WIDGET_CRD, widgetYaml } from './kubectl-fixtures.js';

interface WidgetJson {
  metadata: { generation?: number; deletionTimestamp?: string; finalizers?: string[]; labels?: object; annotations?: object };
  spec: { size?: number; color?: string };
  status?: { conditions: Array<Record<string, string>> };
}

describeIfKubectl(describe, 'kubectl create/get/apply/patch/label/delete')('kubectl against the local API server: writing and reading widgets', () => {
  let server: ApiServer;
  let kubectl: Kubectl;

  beforeAll(async () => {
    server = await startTestApiServer({ crds: [WIDGET_CRD] });
    kubectl = await kubectlFor(server);
  });

  afterAll(async () => {
    await kubectl?.dispose();
    await server?.stop();
  });

  const jsonOf = async (...args: string[]): Promise<WidgetJson> => {
    const result = await kubectl.run(['get', ...args, '-o', 'json']);
    expect(result.stderr).toBe('');
    return JSON.parse(result.stdout) as WidgetJson;
  };

  it('when a widget is created from a file, then kubectl reports it and the server has applied the schema default', async () => {
    const result = await kubectl.run(['create', '-f', '-'], widgetYaml('created', '  size: 2'));
    expect(result).toMatchObject({ code: 0, stdout: 'widget.example.com/created created\n' });
    expect((await jsonOf('widget', 'created')).spec).toEqual({ size: 2, color: 'red' });
  });

  it('when widgets are listed, then kubectl prints the CRD printer columns from the server Table', async () => {
    await kubectl.run(['create', '-f', '-'], widgetYaml('listed', '  size: 7\n  color: blue'));
    const result = await kubectl.run(['get', 'widgets']);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]?.split(/\s+/)).toEqual(['NAME', 'SIZE', 'COLOR', 'READY', 'AGE']);
    const row = parseTable(result.stdout).find((r) => r.NAME === 'listed');
    expect(row).toEqual({ NAME: 'listed', SIZE: '7', COLOR: 'blue', READY: '', AGE: expect.stringMatching(/^\d+s$/) });
  });

  it('when the same file is applied twice, then the first apply creates, the second changes nothing and sends no patch', async () => {
    const manifest = widgetYaml('applied', '  size: 3');
    expect(await kubectl.run(['apply', '-f', '-'], manifest)).toMatchObject({ code: 0, stdout: 'widget.example.com/applied created\n' });
    const patchesBefore = server.requests.count({ verb: 'patch', resource: 'widgets' });
    expect(await kubectl.run(['apply', '-f', '-'], manifest)).toMatchObject({ code: 0, stdout: 'widget.example.com/applied unchanged\n' });
    expect(server.requests.count({ verb: 'patch', resource: 'widgets' })).toBe(patchesBefore);
    expect(await kubectl.run(['apply', '-f', '-'], widgetYaml('applied', '  size: 4'))).toMatchObject({ code: 0, stdout: 'widget.example.com/applied configured\n' });
    expect((await jsonOf('widget', 'applied')).spec.size).toBe(4);
  });

  it('when a widget is patched with a merge patch and with a JSON patch, then both changes are stored', async () => {
    await kubectl.run(['create', '-f', '-'], widgetYaml('patched', '  size: 1'));
    const merge = await kubectl.run(['patch', 'widget', 'patched', '--type=merge', '-p', '{"spec":{"color":"green"}}']);
    expect(merge).toMatchObject({ code: 0, stdout: 'widget.example.com/patched patched\n' });
    const json = await kubectl.run(['patch', 'widget', 'patched', '--type=json', '-p', '[{"op":"replace","path":"/spec/size","value":5}]']);
    expect(json).toMatchObject({ code: 0, stdout: 'widget.example.com/patched patched\n' });
    const widget = await jsonOf('widget', 'patched');
    expect(widget.spec).toEqual({ size: 5, color: 'green' });
    expect(widget.metadata.generation).toBe(3);
  });

  it('when a merge patch is sent without --type, then the server refuses strategic merge on a custom resource', async () => {
    await kubectl.run(['create', '-f', '-'], widgetYaml('strategic', '  size: 1'));
    const result = await kubectl.run(['patch', 'widget', 'strategic', '-p', '{"spec":{"size":2}}']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml');
  });

  it('when status is patched through the status subresource, then the Ready column shows it and spec and generation stay', async () => {
    await kubectl.run(['create', '-f', '-'], widgetYaml('status', '  size: 1'));
    const status = '{"status":{"conditions":[{"type":"Ready","status":"True","reason":"Built"}]}}';
    const result = await kubectl.run(['patch', 'widget', 'status', '--subresource=status', '--type=merge', '-p', status]);
    expect(result).toMatchObject({ code: 0, stdout: 'widget.example.com/status patched\n' });
    const widget = await jsonOf('widget', 'status');
    expect(widget.status?.conditions[0]).toMatchObject({ type: 'Ready', status: 'True' });
    expect(widget.metadata.generation).toBe(1);
    const [row] = parseTable((await kubectl.run(['get', 'widget', 'status'])).stdout);
    expect(row).toMatchObject({ NAME: 'status', SIZE: '1', COLOR: 'red', READY: 'True' });
  });

  it('when status is written on the main resource, then the server ignores it', async () => {
    await kubectl.run(['create', '-f', '-'], widgetYaml('mainstatus', '  size: 1'));
    await kubectl.run(['patch', 'widget', 'mainstatus', '--type=merge', '-p', '{"status":{"conditions":[{"type":"Ready","status":"True"}]}}']);
    expect((await jsonOf('widget', 'mainstatus')).status).toBeUndefined();
  });

  it('when a widget is replaced from a file, then kubectl sends the stored resourceVersion and the new spec is kept', async () => {
    await kubectl.run(['create', '-f', '-'], widgetYaml('replaced', '  size: 1'));
    const result = await kubectl.run(['replace', '-f', '-'], widgetYaml('replaced', '  size: 9\n  color: blue'));
    expect(result).toMatchObject({ code: 0, stdout: 'widget.example.com/replaced replaced\n' });
    expect((await jsonOf('widget', 'replaced')).spec).toEqual({ size: 9, color: 'blue' });
  });

  it('when widgets are listed across namespaces, then each row names its namespace', async () => {
    await kubectl.run(['create', 'namespace', 'elsewhere']);
    await kubectl.run(['create', '-n', 'elsewhere', '-f', '-'], widgetYaml('remote', '  size: 1'));
    const rows = parseTable((await kubectl.run(['get', 'widgets', '-A'])).stdout);
    expect(rows).toContainEqual(expect.objectContaining({ NAMESPACE: 'elsewhere', NAME: 'remote' }));
    expect(rows).toContainEqual(expect.objectContaining({ NAMESPACE: 'default', NAME: 'created' }));
  });

  it('when a widget is labelled, then a label selector finds it', async () => {
    await kubectl.run(['create', '-f', '-'], widgetYaml('labelled', '  size: 1'));
    expect(await kubectl.run(['label', 'widget', 'labelled', 'tier=gold'])).toMatchObject({ code: 0, stdout: 'widget.example.com/labelled labeled\n' });
    const result = await kubectl.run(['get', 'widgets', '-l', 'tier=gold', '-o', 'name']);
    expect(result.stdout).toBe('widget.example.com/labelled\n');
    expect((await kubectl.run(['get', 'widgets', '-l', 'tier!=gold', '-o', 'name'])).stdout).not.toContain('labelled');
  });

  it('when the last label and annotation are removed, then metadata carries no empty maps, as ObjectMeta omits them', async () => {
    await kubectl.run(['create', '-f', '-'], widgetYaml('unlabelled', '  size: 1', '  labels: {tier: gold}\n  annotations: {note: x}\n'));
    expect((await kubectl.run(['label', 'widget', 'unlabelled', 'tier-'])).code).toBe(0);
    expect((await kubectl.run(['annotate', 'widget', 'unlabelled', 'note-'])).code).toBe(0);
    const { metadata } = await jsonOf('widget', 'unlabelled');
    expect(metadata).not.toHaveProperty('labels');
    expect(metadata).not.toHaveProperty('annotations');
  });

  it('when a widget is deleted, then it is gone and get answers NotFound', async () => {
    await kubectl.run(['create', '-f', '-'], widgetYaml('deleted', '  size: 1'));
    expect(await kubectl.run(['delete', 'widget', 'deleted'])).toMatchObject({ code: 0, stdout: 'widget.example.com "deleted" deleted\n' });
    const result = await kubectl.run(['get', 'widget', 'deleted']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('Error from server (NotFound): widgets.example.com "deleted" not found\n');
  });

  it('when a widget with a finalizer is deleted, then kubectl waits until the finalizer is removed', async () => {
    await kubectl.run(['create', '-f', '-'], widgetYaml('held', '  size: 1', '  finalizers: ["example.com/hold"]\n'));
    const watchesBefore = server.requests.count({ verb: 'watch', resource: 'widgets' });
    let finished = false;
    const deletion = kubectl.start(['delete', 'widget', 'held', '--timeout=15s']);
    void deletion.done.then(() => (finished = true));
    await until(() => server.requests.count({ verb: 'watch', resource: 'widgets' }) > watchesBefore, 'kubectl to watch for the deletion');
    const held = await jsonOf('widget', 'held');
    expect(held.metadata.deletionTimestamp).toEqual(expect.any(String));
    expect(held.metadata.finalizers).toEqual(['example.com/hold']);
    expect(finished).toBe(false);
    const release = await kubectl.run(['patch', 'widget', 'held', '--type=json', '-p', '[{"op":"remove","path":"/metadata/finalizers"}]']);
    expect(release.code).toBe(0);
    expect(await deletion.done).toMatchObject({ code: 0, stdout: 'widget.example.com "held" deleted\n' });
    expect((await kubectl.run(['get', 'widget', 'held'])).stderr).toContain('NotFound');
  });

  it('when widgets with finalizers are deleted by label, then kubectl waits for each and reports both once their finalizers go', async () => {
    for (const name of ['batch-a', 'batch-b']) {
      await kubectl.run(['create', '-f', '-'], widgetYaml(name, '  size: 1', '  labels: {batch: held}\n  finalizers: ["example.com/hold"]\n'));
    }
    const watchesBefore = server.requests.count({ verb: 'watch', resource: 'widgets' });
    const deletion = kubectl.start(['delete', 'widgets', '-l', 'batch=held', '--timeout=15s']);
    await until(() => server.requests.count({ verb: 'watch', resource: 'widgets' }) > watchesBefore, 'kubectl to watch for the first deletion');
    expect((await jsonOf('widget', 'batch-b')).metadata.deletionTimestamp).toEqual(expect.any(String));
    for (const name of ['batch-a', 'batch-b']) {
      expect((await kubectl.run(['patch', 'widget', name, '--type=merge', '-p', '{"metadata":{"finalizers":null}}'])).code).toBe(0);
    }
    expect(await deletion.done).toMatchObject({ code: 0, stdout: 'widget.example.com "batch-a" deleted\nwidget.example.com "batch-b" deleted\n' });
    expect((await kubectl.run(['get', 'widgets', '-l', 'batch=held', '-o', 'name'])).stdout).toBe('');
  });
});
