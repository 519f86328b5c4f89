import { startTestApiServer } from '../support/test-api-server.js';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { ApiServer } from '../../local/apiserver/index.js';
import { describeIfKubectl, kubectlFor, until, type Kubectl } from './kubectl-cli.js';
import { WIDGET_CRD, widgetYaml } from './kubectl-fixtures.js';

const WIDGETS = { group: 'example.com', version: 'v1', plural: 'widgets', namespace: 'default' };

describeIfKubectl(describe, 'kubectl wait')('kubectl wait against the local API server', () => {
  let server: ApiServer;
  let kubectl: Kubectl;
  let customObjects: CustomObjectsApi;

  beforeAll(async () => {
    server = await startTestApiServer({ crds: [WIDGET_CRD] });
    kubectl = await kubectlFor(server);
    const config = new KubeConfig();
    config.loadFromString(server.kubeconfig());
    customObjects = config.makeApiClient(CustomObjectsApi);
  });

  afterAll(async () => {
    await kubectl?.dispose();
    await server?.stop();
  });

  const setReady = (name: string, status: 'True' | 'False'): Promise<unknown> =>
    customObjects.patchNamespacedCustomObjectStatus(
      { ...WIDGETS, name, body: { status: { conditions: [{ type: 'Ready', status, reason: 'Test' }] } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );

  it('when a widget becomes Ready while kubectl waits, then the wait ends successfully through its watch', async () => {
    await kubectl.run(['create', '-f', '-'], widgetYaml('slow', '  size: 1'));
    const watchesBefore = server.requests.count({ verb: 'watch', resource: 'widgets' });
    let finished = false;
    const waiting = kubectl.start(['wait', '--for=condition=Ready', 'widget/slow', '--timeout=15s']);
    void waiting.done.then(() => (finished = true));
    await until(() => server.requests.count({ verb: 'watch', resource: 'widgets' }) > watchesBefore, 'kubectl to watch the widget');
    await setReady('slow', 'False');
    expect(finished).toBe(false);
    await setReady('slow', 'True');
    expect(await waiting.done).toMatchObject({ code: 0, stdout: 'widget.example.com/slow condition met\n' });
  });

  it('when a widget is already Ready, then the wait ends at once', async () => {
    await kubectl.run(['create', '-f', '-'], widgetYaml('quick', '  size: 1'));
    await setReady('quick', 'True');
    expect(await kubectl.run(['wait', '--for=condition=Ready', 'widget/quick', '--timeout=5s'])).toMatchObject({ code: 0, stdout: 'widget.example.com/quick condition met\n' });
  });
});
