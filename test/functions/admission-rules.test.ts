import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import '../../functions/index.js';
import { CONFIG_NAME, FINALIZER, INTERNAL_REQUESTS, INTERNAL_SERVICES_CONFIGS } from '../../shared/api/index.js';
import type { InternalRequest } from '../../shared/api/index.js';
import {
  ALLOWED_GIT_URL,
  OTHER_TENANT,
  SERVICE_NAMESPACE,
  TENANT,
  createRequest,
  deliver,
  objectEvent,
  readRequest,
  readRun,
  requestManifest,
  setConfig,
  startClusters,
} from './harness.js';
import type { Clusters } from './harness.js';

let clusters: Clusters;

beforeAll(async () => {
  clusters = await startClusters();
});
afterAll(() => clusters.stop());

async function admitAndRead(ir: InternalRequest): Promise<{ status: number; ir: InternalRequest }> {
  const { status } = await deliver('admission', objectEvent('add', ir, clusters.publicServer));
  return { status, ir: (await readRequest(clusters, ir)) as InternalRequest };
}

function gitRef(url: string): object {
  return { resolver: 'git', params: [{ name: 'url', value: url }, { name: 'revision', value: 'main' }, { name: 'pathInRepo', value: 'p.yaml' }] };
}

describe('admission', () => {
  it('when the namespace is not in allowList, then Rejected with "the internal request namespace (<ns>) is not in the allow list"', async () => {
    await setConfig(clusters, { allowList: [TENANT] });
    const { status, ir } = await admitAndRead(await createRequest(clusters, 'outsider', OTHER_TENANT));
    expect(status).toBe(204);
    expect(ir.status?.conditions).toEqual([
      expect.objectContaining({
        type: 'Succeeded',
        status: 'False',
        reason: 'Rejected',
        message: `the internal request namespace (${OTHER_TENANT}) is not in the allow list`,
      }),
    ]);
    expect(ir.status?.completionTime).toBeUndefined();
    expect(await readRun(clusters, ir)).toBeUndefined();
  });

  it('when allowList is empty, then every namespace is rejected', async () => {
    await setConfig(clusters, { allowList: [] });
    const { ir } = await admitAndRead(await createRequest(clusters, 'nobody-allowed'));
    expect(ir.status?.conditions?.[0]).toMatchObject({ reason: 'Rejected' });
  });

  it('when the config object is missing, then the defaults apply and the request is rejected', async () => {
    await clusters.internal.delete(INTERNAL_SERVICES_CONFIGS, SERVICE_NAMESPACE, CONFIG_NAME);
    const { ir } = await admitAndRead(await createRequest(clusters, 'no-config'));
    expect(ir.status?.conditions?.[0]).toMatchObject({ reason: 'Rejected' });
  });

  it('when the git resolver URL is not in allowedGitResolverURLs, then Rejected with a message naming the URL', async () => {
    await setConfig(clusters, { allowList: [TENANT], allowedGitResolverURLs: [ALLOWED_GIT_URL] });
    const url = 'https://github.com/attacker/catalog.git';
    const { status, ir } = await admitAndRead(await createRequest(clusters, 'foreign-git', TENANT, gitRef(url)));
    expect(status).toBe(204);
    expect(ir.status?.conditions?.[0]).toMatchObject({ status: 'False', reason: 'Rejected', message: expect.stringContaining(url) });
  });

  it('when the git resolver URL is allowed, then the request is admitted and keeps exactly one finalizer', async () => {
    await setConfig(clusters, { allowList: [TENANT], allowedGitResolverURLs: [ALLOWED_GIT_URL] });
    const created = await createRequest(clusters, 'allowed-git', TENANT, gitRef(ALLOWED_GIT_URL));
    const first = await deliver('admission', objectEvent('add', created, clusters.publicServer));
    const again = await deliver('admission', objectEvent('update', created, clusters.publicServer), 'structured');
    expect([first.status, again.status]).toEqual([200, 200]);
    expect((await readRequest(clusters, created))?.metadata.finalizers).toEqual([FINALIZER]);
  });

  it('when the request carries another finalizer, then ours is added next to it', async () => {
    await setConfig(clusters, { allowList: [TENANT] });
    const created = await createRequest(clusters, 'shared-finalizers');
    const withOther = await clusters.remote.patch<InternalRequest>(INTERNAL_REQUESTS, TENANT, created.metadata.name, {
      merge: { metadata: { finalizers: ['example.com/keep'] } },
    });
    expect((await deliver('admission', objectEvent('add', created, clusters.publicServer))).status).toBe(200);
    expect((await readRequest(clusters, withOther))?.metadata.finalizers).toEqual(['example.com/keep', FINALIZER]);
  });

  it.each([
    { name: 'as-cleanup', who: 'no allow list', config: { allowList: [TENANT] } },
    { name: 'as-cleanup-listed', who: 'an allow list naming it by mistake', config: { allowList: [TENANT], allowedServiceAccounts: ['cleanup', 'release'] } },
  ])('when a request asks to run as a system ServiceAccount (cleanup) under $who, then Rejected saying so, and no run', async ({ name, config }) => {
    await setConfig(clusters, config);
    const manifest = requestManifest(name) as { spec: object };
    const created = await clusters.remote.create<InternalRequest>(INTERNAL_REQUESTS, TENANT, { ...manifest, spec: { ...manifest.spec, serviceAccount: 'cleanup' } });
    const { status, ir } = await admitAndRead(created);
    expect(status).toBe(204);
    expect(ir.status?.conditions?.[0]).toMatchObject({
      reason: 'Rejected',
      message: "the service account (cleanup) is one of the internal services' own and cannot run a request's pipeline",
    });
    expect(await readRun(clusters, ir)).toBeUndefined();
  });

  it('when a git resolver request is checked against other resolvers, then the URL list does not apply', async () => {
    await setConfig(clusters, { allowList: [TENANT], allowedGitResolverURLs: [ALLOWED_GIT_URL] });
    const clusterRef = { resolver: 'cluster', params: [{ name: 'name', value: 'push' }] };
    const created = await createRequest(clusters, 'cluster-resolver', TENANT, clusterRef);
    expect((await deliver('admission', objectEvent('add', created, clusters.publicServer))).status).toBe(200);
  });
});
