import { startTestApiServer } from '../support/test-api-server.js';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import type { ApiServer } from '../../local/apiserver/index.js';
import { GROUP, VERSION, WIDGETS, WIDGET_CRD, kubeConfigFor, mergePatch, widget } from './client-node-fixtures.js';
import type { Widget } from './client-node-fixtures.js';

type List = { items: Widget[]; metadata: { continue?: string; resourceVersion: string } };

let server: ApiServer;
let api: k8s.CustomObjectsApi;

beforeAll(async () => {
  server = await startTestApiServer({ crds: [WIDGET_CRD], namespaces: ['pg', 'pg-2', 'snap'] });
  api = kubeConfigFor(server.kubeconfig()).makeApiClient(k8s.CustomObjectsApi);
});
afterAll(() => server.stop());

const create = (namespace: string, body: Widget): Promise<unknown> =>
  api.createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: WIDGETS, body });
const label = (w: Widget): string => `${w.metadata?.namespace}/${w.metadata?.name}:${w.spec?.size}`;

/** Follows continue tokens to the end; `between` runs after the first page. */
async function allPages(list: (token?: string) => Promise<List>, between: () => Promise<void> = async () => undefined): Promise<string[]> {
  const seen: string[] = [];
  let token: string | undefined;
  let first = true;
  do {
    const page = await list(token);
    seen.push(...page.items.map(label));
    token = page.metadata.continue;
    if (first) await between();
    first = false;
  } while (token);
  return seen;
}

describe('paged lists', () => {
  it('when a cluster-wide list is paged across namespaces whose names share a prefix, then every object comes once, in storage key order', async () => {
    for (const namespace of ['pg', 'pg-2']) {
      for (const name of ['a', 'b']) await create(namespace, widget(name, 1, { paged: 'across' }));
    }
    const pages = (token?: string): Promise<List> =>
      api.listClusterCustomObject({ group: GROUP, version: VERSION, plural: WIDGETS, labelSelector: 'paged=across', limit: 1, _continue: token }) as Promise<List>;
    expect(await allPages(pages)).toEqual(['pg-2/a:1', 'pg-2/b:1', 'pg/a:1', 'pg/b:1']);
  });

  it('when objects change between pages, then later pages still show the list as it was at the first page', async () => {
    for (const name of ['s1', 's2', 's3', 's4']) await create('snap', widget(name, 1, { snap: 'yes' }));
    const where = { group: GROUP, version: VERSION, namespace: 'snap', plural: WIDGETS };
    const pages = (token?: string): Promise<List> =>
      api.listNamespacedCustomObject({ ...where, labelSelector: 'snap=yes', limit: 2, _continue: token }) as Promise<List>;
    const changeEverything = async (): Promise<void> => {
      await api.patchNamespacedCustomObject({ ...where, name: 's3', body: { spec: { size: 3 } } }, mergePatch);
      await api.patchNamespacedCustomObject({ ...where, name: 's4', body: { metadata: { labels: { snap: 'no' } } } }, mergePatch);
      await api.deleteNamespacedCustomObject({ ...where, name: 's2' });
      await create('snap', widget('s5', 1, { snap: 'yes' }));
    };
    expect(await allPages(pages, changeEverything)).toEqual(['snap/s1:1', 'snap/s2:1', 'snap/s3:1', 'snap/s4:1']);
    expect(await allPages(pages)).toEqual(['snap/s1:1', 'snap/s3:3', 'snap/s5:1']);
  });
});
