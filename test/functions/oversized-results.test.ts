/**
 * A run whose results are megabytes still ends its request Succeeded: the status carries the results
 * that fit the budget (RESULTS_MAX_BYTES) and names the rest, and a status the API server refuses anyway
 * (413, 422, or etcd's size limit) is written again without results, never left Running.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import '../../functions/index.js';
import type { InternalRequest } from '../../shared/api/index.js';
import { INTERNAL_REQUEST_ADMITTED, INTERNAL_REQUEST_COMPLETED } from '../../shared/events/index.js';
import { onRealKube } from '../support/test-api-server.js';
import { TENANT, createRequest, deliver, objectEvent, readRequest, setConfig, setRunStatus, startClusters } from './harness.js';
import type { Clusters, Delivery } from './harness.js';

const MiB = 1024 * 1024;
/**
 * Megabytes of results, as much as one PipelineRun holds on the internal cluster: the local API server
 * takes bodies up to 3 MiB; a real one's etcd stores objects up to 1.5 MiB.
 */
const SBOM_BYTES = onRealKube() ? 1.25 * MiB : 2.5 * MiB;
const RESULTS = [
  { name: 'SBOM', value: 's'.repeat(SBOM_BYTES) },
  { name: 'IMAGE_DIGEST', value: 'sha256:0123456789abcdef' },
  { name: 'IMAGE_URL', value: 'quay.io/tenant/app:v1' },
];

let clusters: Clusters;

beforeAll(async () => {
  clusters = await startClusters();
  await setConfig(clusters, { allowList: [TENANT] });
});
afterEach(() => clusters.publicServer.faults.clear());
afterAll(() => clusters.stop());

async function startRequest(name: string): Promise<InternalRequest> {
  const created = await createRequest(clusters, name);
  const admitted = (await deliver('admission', objectEvent('add', created, clusters.publicServer))).reply;
  if (admitted?.type !== INTERNAL_REQUEST_ADMITTED) throw new Error(`${name} was not admitted`);
  expect((await deliver('pipelinerun-creator', admitted)).status).toBe(204);
  return (await readRequest(clusters, created)) as InternalRequest;
}

async function succeedWithMegabytes(ir: InternalRequest): Promise<{ relayed: Delivery; request: InternalRequest }> {
  const run = await setRunStatus(clusters, ir, { status: 'True', reason: 'Succeeded', results: RESULTS });
  const relayed = await deliver('status-relay', objectEvent('update', run, clusters.internalServer));
  return { relayed, request: (await readRequest(clusters, ir)) as InternalRequest };
}

describe('results too large for a request status', () => {
  it('when a run succeeds with megabytes of results, then the request is Succeeded with the results that fit, and the message names the one left out', async () => {
    const { relayed, request } = await succeedWithMegabytes(await startRequest('megabytes'));
    expect(relayed.reply?.type).toBe(INTERNAL_REQUEST_COMPLETED);
    expect(request.status?.results).toEqual({ IMAGE_DIGEST: 'sha256:0123456789abcdef', IMAGE_URL: 'quay.io/tenant/app:v1' });
    expect(request.status?.conditions).toEqual([
      expect.objectContaining({
        status: 'True',
        reason: 'Succeeded',
        message: 'results left out: SBOM (over the limit of 786432 bytes of results a request status carries)',
      }),
    ]);
  });

  // 413 and the 500 are what kube-apiserver 1.32 answers for a body over 3 MiB and an object over etcd's 1.5 MiB.
  // A server refuses the same results every time they are sent: first in the status-relay's write without
  // a read (ADR 0014), then in the write after it has read the request; the status without them is stored.
  it.each([
    { answer: '413 RequestEntityTooLarge', code: 413, reason: 'RequestEntityTooLarge', message: 'Request entity too large: limit is 3145728' },
    { answer: '422 Invalid', code: 422, reason: 'Invalid', message: 'InternalRequest.appstudio.redhat.com "x" is invalid: status.results: Too many' },
    { answer: "500 with etcd's size refusal", code: 500, reason: '', message: 'etcdserver: request is too large' },
  ])('when the API server refuses the final status ($answer), then it is written again without results, saying so, and the request completes', async ({ code, reason, message }) => {
    const ir = await startRequest(`refused-${code}`);
    clusters.publicServer.faults.failNext({ verb: 'patch', resource: 'internalrequests/status', count: 2, code, reason, message });
    const { relayed, request } = await succeedWithMegabytes(ir);
    expect(relayed.reply?.type).toBe(INTERNAL_REQUEST_COMPLETED);
    expect(request.status?.results).toBeUndefined();
    expect(request.status?.completionTime).toEqual(expect.any(String));
    expect(request.status?.conditions).toEqual([
      expect.objectContaining({
        status: 'True',
        reason: 'Succeeded',
        message: `results left out: IMAGE_DIGEST, IMAGE_URL, SBOM (the API server refused the status with them: ${message})`,
      }),
    ]);
  });

  it('when the status without results is refused too, then the answer is an error the broker retries, and the request is unchanged', async () => {
    const ir = await startRequest('refused-twice');
    // Refused with the results (twice, see above) and then without them.
    clusters.publicServer.faults.failNext({ verb: 'patch', resource: 'internalrequests/status', count: 3, code: 422, reason: 'Invalid' });
    const { relayed, request } = await succeedWithMegabytes(ir);
    expect(relayed.status).toBe(500);
    expect(request.status?.conditions?.[0]).toMatchObject({ reason: 'Running' });
  });

  it('when a failed run is refused its status, then there are no results to leave out and the refusal is answered as before', async () => {
    const ir = await startRequest('failed-refused');
    // Refused without a read, then after the read (see above).
    clusters.publicServer.faults.failNext({ verb: 'patch', resource: 'internalrequests/status', count: 2, code: 413, reason: 'RequestEntityTooLarge' });
    const run = await setRunStatus(clusters, ir, { status: 'False', reason: 'Failed', message: 'boom', results: RESULTS });
    expect((await deliver('status-relay', objectEvent('update', run, clusters.internalServer))).status).toBe(500);
  });
});
