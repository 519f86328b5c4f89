import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CloudEvent } from 'cloudevents';
import '../../functions/index.js';
import { FINALIZER, INTERNAL_REQUESTS } from '../../shared/api/index.js';
import type { InternalRequest } from '../../shared/api/index.js';
import { INTERNAL_REQUEST_ADMITTED, INTERNAL_REQUEST_COMPLETED, INTERNAL_REQUEST_DELETING } from '../../shared/events/index.js';
import {
  PIPELINE_RUN_NAMESPACE,
  TENANT,
  countCalls,
  createRequest,
  deliver,
  objectEvent,
  readRequest,
  readRun,
  runName,
  setConfig,
  setRunStatus,
  startClusters,
  total,
} from './harness.js';
import type { Clusters, Delivery } from './harness.js';

let clusters: Clusters;

beforeAll(async () => {
  clusters = await startClusters();
  await setConfig(clusters, { allowList: [TENANT] });
});
afterAll(() => clusters.stop());

function replyOf(delivery: Delivery, type: string): CloudEvent<unknown> {
  expect(delivery.status).toBe(200);
  expect(delivery.reply?.type).toBe(type);
  return delivery.reply as CloudEvent<unknown>;
}

/** Drives a request from creation to a running PipelineRun, as the broker would. */
async function startRequest(name: string): Promise<InternalRequest> {
  const created = await createRequest(clusters, name);
  const admitted = replyOf(await deliver('admission', objectEvent('add', created, clusters.publicServer)), INTERNAL_REQUEST_ADMITTED);
  expect((await deliver('pipelinerun-creator', admitted, 'structured')).status).toBe(204);
  return (await readRequest(clusters, created)) as InternalRequest;
}

async function finishRun(ir: InternalRequest, state: Parameters<typeof setRunStatus>[2]): Promise<Delivery> {
  const run = await setRunStatus(clusters, ir, state);
  return deliver('status-relay', objectEvent('update', run, clusters.internalServer));
}

describe('InternalRequest lifecycle through the four functions', () => {
  it('when a request is added and its run succeeds, then it ends Succeeded with results and the run is deleted', async () => {
    const steps: Record<string, Record<string, number>> = {};
    const step = async <T>(label: string, run: () => Promise<T>): Promise<T> => {
      const { result, calls } = await countCalls(clusters, run);
      steps[label] = calls;
      return result;
    };
    const created = await createRequest(clusters, 'happy');

    const admitted = replyOf(await step('admission', () => deliver('admission', objectEvent('add', created, clusters.publicServer))), INTERNAL_REQUEST_ADMITTED);
    expect(admitted.data).toEqual({ namespace: TENANT, name: 'happy', uid: created.metadata.uid });
    expect(admitted.source).toBe('/internal-services/admission');
    expect(admitted.subject).toBe(`namespaces/${TENANT}/internalrequests/happy`);
    expect((await readRequest(clusters, created))?.metadata.finalizers).toEqual([FINALIZER]);

    expect((await step('pipelinerun-creator', () => deliver('pipelinerun-creator', admitted, 'structured'))).status).toBe(204);
    const run = await readRun(clusters, created);
    expect(run?.metadata.labels).toMatchObject({ 'internal-services.appstudio.openshift.io/name': 'happy' });
    const running = (await readRequest(clusters, created)) as InternalRequest;
    expect(running.status).toMatchObject({ pipelineRun: `${PIPELINE_RUN_NAMESPACE}/${runName(created)}`, conditions: [{ type: 'Succeeded', status: 'False', reason: 'Running' }] });
    expect(running.status?.startTime).toEqual(expect.any(String));

    const started = await setRunStatus(clusters, created, { status: 'Unknown', reason: 'Running' });
    expect((await step('status-relay (running)', () => deliver('status-relay', objectEvent('update', started, clusters.internalServer)))).status).toBe(204);

    const results = [{ name: 'SIGNATURE', value: 'sig-1' }, { name: 'LIST', value: ['not', 'a', 'string'] }];
    const finished = await setRunStatus(clusters, created, { status: 'True', reason: 'Succeeded', results });
    const relayed = await step('status-relay (done)', () => deliver('status-relay', objectEvent('update', finished, clusters.internalServer)));
    const completed = replyOf(relayed, INTERNAL_REQUEST_COMPLETED);
    expect(completed.data).toEqual({ namespace: TENANT, name: 'happy', uid: created.metadata.uid, pipelineRun: `${PIPELINE_RUN_NAMESPACE}/${runName(created)}` });
    const succeeded = (await readRequest(clusters, created)) as InternalRequest;
    expect(succeeded.status).toMatchObject({ results: { SIGNATURE: 'sig-1' }, conditions: [{ status: 'True', reason: 'Succeeded' }] });
    expect(succeeded.status?.conditions).toHaveLength(1);
    expect(succeeded.status?.completionTime).toEqual(expect.any(String));
    expect(succeeded.status?.startTime).toBe(running.status?.startTime);

    expect((await step('cleanup', () => deliver('cleanup', completed))).status).toBe(204);
    expect(await readRun(clusters, created)).toBeUndefined();
    const removed = objectEvent('delete', finished, clusters.internalServer);
    expect((await step('status-relay (run deleted)', () => deliver('status-relay', removed))).status).toBe(204);
    expect((await readRequest(clusters, created))?.status).toEqual(succeeded.status);

    const perFunction = Object.entries(steps).map(([label, calls]) => `  ${label}: ${total(calls)} (${JSON.stringify(calls)})`);
    const all = Object.values(steps).reduce((sum, calls) => sum + total(calls), 0);
    console.log(`API calls for one InternalRequest over the happy path: ${all}\n${perFunction.join('\n')}`);
    // 14 before ADR 0014, now 8, config reads aside (a process caches its config; these tests change it):
    // admission 1 (the finalizer on the event's copy), pipelinerun-creator 3 (read, create, Running),
    // status-relay 2 for the finished run (read it, write the status unread) and none for the others,
    // cleanup 2 (read the request, delete the run its uid names).
    const configReads = Object.values(steps).reduce((sum, calls) => sum + (calls['internal get internalservicesconfigs'] ?? 0), 0);
    expect(all - configReads).toBe(8);
  });

  it('when the run fails after a task wrote result=Success, then the request is Failed with the run message and a completionTime, and hands back no results', async () => {
    const ir = await startRequest('fails');
    const relayed = await finishRun(ir, { status: 'False', reason: 'Failed', message: 'Tasks Completed: 2 (Failed: 1)', results: [{ name: 'result', value: 'Success' }] });
    expect(replyOf(relayed, INTERNAL_REQUEST_COMPLETED).data).toMatchObject({ name: 'fails' });
    const failed = (await readRequest(clusters, ir)) as InternalRequest;
    expect(failed.status?.conditions).toEqual([
      expect.objectContaining({ type: 'Succeeded', status: 'False', reason: 'Failed', message: 'Tasks Completed: 2 (Failed: 1)' }),
    ]);
    expect(failed.status).toMatchObject({ completionTime: expect.any(String) });
    expect(failed.status).not.toHaveProperty('results');
  });

  it('when the config says debug, then the run is kept after completion', async () => {
    await setConfig(clusters, { allowList: [TENANT], debug: true });
    try {
      const ir = await startRequest('debugged');
      const completed = replyOf(await finishRun(ir, { status: 'True', reason: 'Completed' }), INTERNAL_REQUEST_COMPLETED);
      expect((await deliver('cleanup', completed, 'structured')).status).toBe(204);
      expect(await readRun(clusters, ir)).toBeDefined();
      expect((await readRequest(clusters, ir))?.status?.conditions?.[0]).toMatchObject({ status: 'True', reason: 'Succeeded' });
    } finally {
      await setConfig(clusters, { allowList: [TENANT] });
    }
  });

  it('when a running request is deleted, then its run is cancelled and the finalizer released', async () => {
    const ir = await startRequest('deleted');
    await clusters.remote.delete(INTERNAL_REQUESTS, TENANT, 'deleted');
    const deleting = (await readRequest(clusters, ir)) as InternalRequest;
    expect(deleting.metadata.deletionTimestamp).toEqual(expect.any(String));

    const reply = replyOf(await deliver('admission', objectEvent('update', deleting, clusters.publicServer), 'structured'), INTERNAL_REQUEST_DELETING);
    expect(reply.data).toEqual({ namespace: TENANT, name: 'deleted', uid: ir.metadata.uid });
    expect((await deliver('cleanup', reply)).status).toBe(204);

    expect((await readRun(clusters, ir))?.spec).toMatchObject({ status: 'Cancelled' });
    expect(await readRequest(clusters, ir)).toBeUndefined();

    // Once Tekton has stopped it, the run of the deleted request is removed like any finished run (with its workspace claim).
    const stopped = replyOf(await finishRun(ir, { status: 'False', reason: 'Cancelled', message: 'PipelineRun "x" was cancelled' }), INTERNAL_REQUEST_COMPLETED);
    expect(stopped.data).toEqual({ namespace: TENANT, name: 'deleted', uid: ir.metadata.uid, pipelineRun: `${PIPELINE_RUN_NAMESPACE}/${runName(ir)}` });
    expect((await deliver('cleanup', stopped)).status).toBe(204);
    expect(await readRun(clusters, ir)).toBeUndefined();
  });

  it('when a request is deleted and created again under the same name, then the finished run of the first one is removed, not relayed', async () => {
    const first = await startRequest('reborn');
    await clusters.remote.patch(INTERNAL_REQUESTS, TENANT, 'reborn', { merge: { metadata: { finalizers: null } } });
    await clusters.remote.delete(INTERNAL_REQUESTS, TENANT, 'reborn');
    const second = await createRequest(clusters, 'reborn');

    const stale = replyOf(await finishRun(first, { status: 'True', reason: 'Succeeded' }), INTERNAL_REQUEST_COMPLETED);
    expect(stale.data).toMatchObject({ uid: first.metadata.uid });
    expect((await readRequest(clusters, second))?.status).toBeUndefined();
    expect((await deliver('cleanup', stale)).status).toBe(204);
    expect(await readRun(clusters, first)).toBeUndefined();
  });

  it('when a request that never got a run is deleted, then only the finalizer is released', async () => {
    await setConfig(clusters, { allowList: [] });
    try {
      const created = await createRequest(clusters, 'rejected-then-deleted');
      expect((await deliver('admission', objectEvent('add', created, clusters.publicServer))).status).toBe(204);
      await clusters.remote.delete(INTERNAL_REQUESTS, TENANT, created.metadata.name);
      const deleting = (await readRequest(clusters, created)) as InternalRequest;
      const reply = replyOf(await deliver('admission', objectEvent('update', deleting, clusters.publicServer)), INTERNAL_REQUEST_DELETING);
      expect((await deliver('cleanup', reply)).status).toBe(204);
      expect(await readRequest(clusters, created)).toBeUndefined();
    } finally {
      await setConfig(clusters, { allowList: [TENANT] });
    }
  });
});
