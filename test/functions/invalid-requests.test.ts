/**
 * A request our schema refuses, stored by a public cluster whose CRD let it through (the reference CRD
 * leaves `spec` optional), is Rejected with the failing field named, once; the 400 stays for events that
 * do not even say which request they are about.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CloudEvent } from 'cloudevents';
import { parse, stringify } from 'yaml';
import '../../functions/index.js';
import { INTERNAL_REQUESTS } from '../../shared/api/index.js';
import type { InternalRequest } from '../../shared/api/index.js';
import { INTERNAL_REQUEST_ADMITTED, RESOURCE_ADD } from '../../shared/events/index.js';
import { TENANT, countCalls, createRequest, deliver, objectEvent, readRequest, setConfig, startClusters, total } from './harness.js';
import type { Clusters } from './harness.js';

let clusters: Clusters;
let dir: string;

/** Our InternalRequest CRD without its one root requirement, `spec`, as the reference CRD has it. */
async function crdWithOptionalSpec(): Promise<string> {
  const crd = parse(await readFile('knative/crds/internalrequests.yaml', 'utf8')) as {
    spec: { versions: Array<{ schema: { openAPIV3Schema: { required?: string[] } } }> };
  };
  for (const version of crd.spec.versions) delete version.schema.openAPIV3Schema.required;
  const file = join(dir, 'internalrequests.yaml');
  await writeFile(file, stringify(crd));
  return file;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'invalid-requests-'));
  clusters = await startClusters({ publicCrdFiles: [await crdWithOptionalSpec(), 'knative/crds/internalservicesconfigs.yaml'] });
  await setConfig(clusters, { allowList: [TENANT] });
});
afterAll(async () => {
  await clusters.stop();
  await rm(dir, { recursive: true, force: true });
});

async function createWithoutSpec(name: string): Promise<InternalRequest> {
  return clusters.remote.create<InternalRequest>(INTERNAL_REQUESTS, TENANT, {
    apiVersion: 'appstudio.redhat.com/v1alpha1',
    kind: 'InternalRequest',
    metadata: { name, namespace: TENANT },
  });
}

describe('requests our schema refuses', () => {
  it('when a stored request has no spec, then admission marks it Rejected naming the field, answers 204 and never adds the finalizer', async () => {
    const ir = await createWithoutSpec('no-spec');
    const answered = await deliver('admission', objectEvent('add', ir, clusters.publicServer));
    expect(answered.status).toBe(204);
    const stored = (await readRequest(clusters, ir)) as InternalRequest;
    expect(stored.status?.conditions).toEqual([
      expect.objectContaining({
        type: 'Succeeded',
        status: 'False',
        reason: 'Rejected',
        message: expect.stringMatching(/^the internal request does not match the InternalRequest schema: spec: /),
      }),
    ]);
    expect(stored.metadata.finalizers).toBeUndefined();
  });

  it('when the same event comes again, then nothing more is written: the rejection is final', async () => {
    const ir = await createWithoutSpec('no-spec-twice');
    await deliver('admission', objectEvent('add', ir, clusters.publicServer));
    const { result, calls } = await countCalls(clusters, () => deliver('admission', objectEvent('update', ir, clusters.publicServer)));
    expect(result.status).toBe(204);
    expect(calls).toEqual({ 'public get internalrequests': 1 });
  });

  it('when only the event\'s copy fails the schema, then the stored request decides: it is admitted', async () => {
    const ir = await createRequest(clusters, 'valid-stored');
    const { spec: _dropped, ...withoutSpec } = ir;
    const answered = await deliver('admission', objectEvent('add', withoutSpec, clusters.publicServer));
    expect(answered.reply?.type).toBe(INTERNAL_REQUEST_ADMITTED);
  });

  it.each([
    { what: 'no uid', metadata: { namespace: TENANT, name: 'x' }, problem: /metadata\.uid/ },
    { what: 'no name', metadata: { namespace: TENANT, uid: 'u' }, problem: /metadata\.name/ },
    { what: 'an empty namespace', metadata: { namespace: '', name: 'x', uid: 'u' }, problem: /metadata\.namespace/ },
  ])('when the event data has $what, then 400 naming it and no API call: there is no request to act on', async ({ metadata, problem }) => {
    const event = new CloudEvent<unknown>({ type: RESOURCE_ADD, source: '/test', kind: 'InternalRequest', data: { kind: 'InternalRequest', metadata } });
    const { result, calls } = await countCalls(clusters, () => deliver('admission', event));
    expect(result.status).toBe(400);
    expect(result.text).toMatch(problem);
    expect(total(calls)).toBe(0);
  });
});
