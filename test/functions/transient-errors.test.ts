import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import '../../functions/index.js';
import type { InternalRequest } from '../../shared/api/index.js';
import { INTERNAL_REQUEST_ADMITTED } from '../../shared/events/index.js';
import { TENANT, createRequest, deliver, objectEvent, readRequest, readRun, setConfig, startClusters } from './harness.js';
import type { Clusters } from './harness.js';

let clusters: Clusters;

beforeAll(async () => {
  clusters = await startClusters();
  await setConfig(clusters, { allowList: [TENANT] });
});
afterEach(() => {
  clusters.publicServer.faults.clear();
  clusters.internalServer.faults.clear();
});
afterAll(() => clusters.stop());

describe('transient failures answer with a status the broker retries', () => {
  it.each([
    { code: 503, expected: 503 },
    { code: 500, expected: 503 },
    { code: 429, expected: 429 },
  ])('when the remote API server answers $code, then $expected and the retry succeeds', async ({ code, expected }) => {
    const ir = await createRequest(clusters, `remote-${code}`);
    const event = objectEvent('add', ir, clusters.publicServer);
    // Admission's first call for a new request is the finalizer patch on the event's copy (no read first).
    clusters.publicServer.faults.failNext({ verb: 'patch', resource: 'internalrequests', count: 1, code });
    expect((await deliver('admission', event)).status).toBe(expected);
    expect((await readRequest(clusters, ir))?.metadata.finalizers).toBeUndefined();
    expect((await deliver('admission', event)).status).toBe(200);
  });

  it('when a write keeps meeting 409 Conflict, then 409 after three tries, and the broker retry succeeds', async () => {
    const ir = await createRequest(clusters, 'conflicted');
    const event = objectEvent('add', ir, clusters.publicServer);
    // Each try writes twice: the finalizer on the event's copy, then, refused, on what it read.
    clusters.publicServer.faults.failNext({ verb: 'patch', resource: 'internalrequests', count: 6, code: 409, reason: 'Conflict' });
    expect((await deliver('admission', event)).status).toBe(409);
    expect(clusters.publicServer.requests.count({ verb: 'patch', resource: 'internalrequests' })).toBeGreaterThanOrEqual(3);
    expect((await deliver('admission', event)).reply?.type).toBe(INTERNAL_REQUEST_ADMITTED);
  });

  it('when the internal cluster fails while creating the run, then 503 and the request stays unstarted until the retry', async () => {
    const ir = await createRequest(clusters, 'internal-down');
    const admitted = (await deliver('admission', objectEvent('add', ir, clusters.publicServer))).reply;
    if (admitted === undefined) throw new Error('admission did not reply');
    clusters.internalServer.faults.failNext({ verb: 'create', resource: 'pipelineruns', count: 1, code: 503 });
    expect((await deliver('pipelinerun-creator', admitted)).status).toBe(503);
    expect((await readRequest(clusters, ir))?.status).toBeUndefined();
    expect((await deliver('pipelinerun-creator', admitted)).status).toBe(204);
    expect(await readRun(clusters, ir)).toBeDefined();
    expect(((await readRequest(clusters, ir)) as InternalRequest).status?.conditions?.[0]?.reason).toBe('Running');
  });

  it('when the request is deleted between its read and the write (404 to the patch), then 204: nothing is left to do, so nothing is retried', async () => {
    const ir = await createRequest(clusters, 'deleted-meanwhile');
    clusters.publicServer.faults.failNext({ verb: 'patch', resource: 'internalrequests', count: 1, code: 404, reason: 'NotFound' });
    const answered = await deliver('admission', objectEvent('add', ir, clusters.publicServer));
    expect({ status: answered.status, text: answered.text }).toEqual({ status: 204, text: '' });
  });

  it('when reading the config is forbidden (403), then 500 with a message naming the call, retried and then dead-lettered', async () => {
    const ir = await createRequest(clusters, 'bad-config');
    clusters.internalServer.faults.failNext({ verb: 'get', resource: 'internalservicesconfigs', count: 1, code: 403, reason: 'Forbidden' });
    const denied = await deliver('admission', objectEvent('add', ir, clusters.publicServer));
    expect(denied.status).toBe(500);
    expect(denied.text).toMatch(/internal: get internalservicesconfigs.appstudio.redhat.com internal-services\/config: 403 Forbidden/);
  });
});
