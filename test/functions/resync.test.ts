/**
 * The resync sweep (ADR 0010) served by functions-framework: each test loses an event the way a restart of
 * the Broker's channel would (by never delivering it), pings the sweep, and follows the events it emits to
 * the functions they are meant for, as the Broker would.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { CloudEvent } from 'cloudevents';
import '../../functions/index.js';
import { FINALIZER, INTERNAL_REQUESTS, InternalServicesConfigSpecSchema, PIPELINE_RUNS } from '../../shared/api/index.js';
import type { InternalRequest, PipelineRun } from '../../shared/api/index.js';
import { buildPipelineRun } from '../../shared/core/index.js';
import { INTERNAL_REQUEST_ADMITTED, INTERNAL_REQUEST_COMPLETED, INTERNAL_REQUEST_DELETING, PING, RESOURCE_ADD } from '../../shared/events/index.js';
import { startEmittedEvents } from './emitted-events.js';
import type { EmittedEvents } from './emitted-events.js';
import {
  OTHER_TENANT,
  PIPELINE_RUN_NAMESPACE,
  SERVICE_NAMESPACE,
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
let sink: EmittedEvents;

beforeAll(async () => {
  clusters = await startClusters();
  sink = await startEmittedEvents();
  process.env.K_SINK = sink.url;
  await setConfig(clusters, { allowList: [TENANT, OTHER_TENANT] });
});
afterEach(() => {
  clusters.publicServer.faults.clear();
  clusters.internalServer.faults.clear();
  sink.answerWith(202);
  delete process.env.RESYNC_PAGE_SIZE;
});
afterAll(async () => {
  await clusters.stop();
  await sink.close();
});

const PING_SOURCE = `/apis/v1/namespaces/${SERVICE_NAMESPACE}/pingsources/resync`;
const SUCCEEDED = { type: 'Succeeded', status: 'True', reason: 'Succeeded', message: '', lastTransitionTime: '2025-01-01T00:00:00Z' };

interface Sweep {
  delivery: Delivery;
  calls: Record<string, number>;
  /** The events the sweep emitted, as `<type> <request name>`. */
  emitted: string[];
  events: Array<CloudEvent<unknown>>;
}

/** One ping, as the PingSource sends it through the Broker. */
async function sweep(): Promise<Sweep> {
  const before = sink.all.length;
  const ping = new CloudEvent({ type: PING, source: PING_SOURCE, datacontenttype: 'application/json', data: {} });
  const { result: delivery, calls } = await countCalls(clusters, () => deliver('resync', ping));
  const events = sink.all.slice(before);
  const emitted = events.map((e) => `${e.type} ${String((e.data as { name?: string; metadata?: { name?: string } }).metadata?.name ?? (e.data as { name?: string }).name)}`);
  return { delivery, calls, emitted: emitted.sort(), events };
}

function about(events: Array<CloudEvent<unknown>>, type: string, name: string): CloudEvent<unknown> {
  const found = events.find((e) => e.type === type && JSON.stringify(e.data).includes(`"name":"${name}"`));
  if (!found) throw new Error(`no ${type} about ${name} among ${events.map((e) => e.type).join(', ')}`);
  return found;
}

/** Created, admitted and given its run, with every event delivered: the request is Running. */
async function running(name: string, namespace = TENANT): Promise<InternalRequest> {
  const created = await createRequest(clusters, name, namespace);
  const admitted = await deliver('admission', objectEvent('add', created, clusters.publicServer));
  expect(admitted.reply?.type).toBe(INTERNAL_REQUEST_ADMITTED);
  expect((await deliver('pipelinerun-creator', admitted.reply as CloudEvent<unknown>)).status).toBe(204);
  return (await readRequest(clusters, created)) as InternalRequest;
}

/** Completed as the functions leave a request, without them: held by the finalizer, Succeeded, its run gone. */
async function completedQuietly(name: string): Promise<void> {
  const ir = await createRequest(clusters, name, OTHER_TENANT);
  await clusters.remote.patch(INTERNAL_REQUESTS, OTHER_TENANT, name, { merge: { metadata: { finalizers: [FINALIZER] } } });
  await clusters.remote.patchStatus(INTERNAL_REQUESTS, OTHER_TENANT, name, { merge: { status: { conditions: [SUCCEEDED] } } });
  expect((await readRequest(clusters, ir))?.status?.conditions?.[0]?.status).toBe('True');
}

const QUIET = 20;

describe('resync: what a sweep costs', () => {
  it(`when nothing drifted (${QUIET} completed requests, one running), then a sweep reads the config and one page of each list, and emits nothing`, async () => {
    for (let i = 0; i < QUIET; i++) await completedQuietly(`quiet-${i}`);
    await running('quiet-running', OTHER_TENANT);
    const { delivery, calls, emitted } = await sweep();
    expect(delivery.status).toBe(204);
    expect(emitted).toEqual([]);
    expect(calls).toEqual({ 'internal get internalservicesconfigs': 1, 'internal list pipelineruns': 1, 'public list internalrequests': 1 });
    console.log(`a quiet sweep of ${QUIET + 1} requests and 1 run: ${total(calls)} API calls (${(total(calls) / (QUIET + 1)).toFixed(2)} per request) ${JSON.stringify(calls)}`);
  });

  it('when the pages are small, then every page is swept, one list call each, and still nothing is emitted', async () => {
    process.env.RESYNC_PAGE_SIZE = '4';
    const { delivery, calls, emitted } = await sweep();
    expect(delivery.status).toBe(204);
    expect(emitted).toEqual([]);
    expect(calls).toEqual({ 'internal get internalservicesconfigs': 1, 'internal list pipelineruns': 1, 'public list internalrequests': Math.ceil((QUIET + 1) / 4) });
  });
});

describe('resync: each lost event is repaired by the path it was meant for', () => {
  it('when the add of a request was lost, then the sweep sends admission the add it missed, and the request goes on from there', async () => {
    const created = await createRequest(clusters, 'lost-add');
    const { delivery, events } = await sweep();
    expect(delivery.status).toBe(204);
    const add = about(events, RESOURCE_ADD, 'lost-add');
    expect(add).toMatchObject({
      source: '/internal-services/resync',
      subject: `/apis/appstudio.redhat.com/v1alpha1/namespaces/${TENANT}/internalrequests/lost-add`,
      kind: 'InternalRequest',
      data: { apiVersion: 'appstudio.redhat.com/v1alpha1', kind: 'InternalRequest', metadata: { uid: created.metadata.uid } },
    });
    const admitted = await deliver('admission', add);
    expect(admitted.reply?.type).toBe(INTERNAL_REQUEST_ADMITTED);
    expect((await deliver('pipelinerun-creator', admitted.reply as CloudEvent<unknown>)).status).toBe(204);
    expect((await readRequest(clusters, created))?.status?.conditions?.[0]).toMatchObject({ reason: 'Running' });
    expect((await sweep()).emitted.filter((e) => e.endsWith(' lost-add'))).toEqual([]);
  });

  it('when the update of a finished run was lost, then the sweep relays it as status-relay does and announces the completion, and cleanup removes the run', async () => {
    const ir = await running('lost-update');
    await setRunStatus(clusters, ir, { status: 'True', reason: 'Succeeded', results: [{ name: 'SIGNATURE', value: 'sig-9' }] });
    const { events, calls } = await sweep();
    expect((await readRequest(clusters, ir))?.status).toMatchObject({ results: { SIGNATURE: 'sig-9' }, conditions: [{ status: 'True', reason: 'Succeeded' }] });
    expect(about(events, INTERNAL_REQUEST_COMPLETED, 'lost-update').data).toEqual({
      namespace: TENANT, name: 'lost-update', uid: ir.metadata.uid, pipelineRun: `${PIPELINE_RUN_NAMESPACE}/${runName(ir)}`,
    });
    expect(calls).toMatchObject({ 'internal get pipelineruns': 1, 'public patch internalrequests/status': 1 });
    expect((await deliver('cleanup', about(events, INTERNAL_REQUEST_COMPLETED, 'lost-update'))).status).toBe(204);
    expect(await readRun(clusters, ir)).toBeUndefined();
  });

  it('when the run of a Running request was deleted unseen, then the sweep fails the request saying so, and announces nothing', async () => {
    const ir = await running('lost-delete');
    await clusters.internal.delete(PIPELINE_RUNS, PIPELINE_RUN_NAMESPACE, runName(ir));
    const { emitted } = await sweep();
    expect((await readRequest(clusters, ir))?.status?.conditions?.[0]).toMatchObject({
      status: 'False', reason: 'Failed', message: `the PipelineRun ${PIPELINE_RUN_NAMESPACE}/${runName(ir)} was deleted before it finished`,
    });
    expect(emitted.filter((e) => e.endsWith(' lost-delete'))).toEqual([]);
  });

  it('when the cleanup of a completed request was lost, then the sweep announces the completion again, unless debug keeps runs', async () => {
    const ir = await running('lost-cleanup');
    const run = await setRunStatus(clusters, ir, { status: 'False', reason: 'Failed', message: 'step failed' });
    expect((await deliver('status-relay', objectEvent('update', run, clusters.internalServer))).reply?.type).toBe(INTERNAL_REQUEST_COMPLETED);
    await setConfig(clusters, { allowList: [TENANT, OTHER_TENANT], debug: true });
    try {
      expect((await sweep()).emitted.filter((e) => e.endsWith(' lost-cleanup'))).toEqual([]);
    } finally {
      await setConfig(clusters, { allowList: [TENANT, OTHER_TENANT] });
    }
    const { events } = await sweep();
    expect((await deliver('cleanup', about(events, INTERNAL_REQUEST_COMPLETED, 'lost-cleanup'))).status).toBe(204);
    expect(await readRun(clusters, ir)).toBeUndefined();
  });

  it('when a finished run\'s request is gone, then the sweep announces it for the request it was created for, and cleanup removes it', async () => {
    const ir = await running('orphaned');
    await clusters.remote.patch(INTERNAL_REQUESTS, TENANT, 'orphaned', { merge: { metadata: { finalizers: null } } });
    await clusters.remote.delete(INTERNAL_REQUESTS, TENANT, 'orphaned');
    await setRunStatus(clusters, ir, { status: 'True', reason: 'Succeeded' });
    const { events } = await sweep();
    const completed = about(events, INTERNAL_REQUEST_COMPLETED, 'orphaned');
    expect(completed.data).toEqual({ namespace: TENANT, name: 'orphaned', uid: ir.metadata.uid, pipelineRun: `${PIPELINE_RUN_NAMESPACE}/${runName(ir)}` });
    expect((await deliver('cleanup', completed)).status).toBe(204);
    expect(await readRun(clusters, ir)).toBeUndefined();
  });

  it('when the deletion of a request was not announced, then the sweep announces it, and cleanup cancels its run and releases it', async () => {
    const ir = await running('lost-deleting');
    await clusters.remote.delete(INTERNAL_REQUESTS, TENANT, 'lost-deleting');
    const { events } = await sweep();
    const deleting = about(events, INTERNAL_REQUEST_DELETING, 'lost-deleting');
    expect(deleting.data).toEqual({ namespace: TENANT, name: 'lost-deleting', uid: ir.metadata.uid });
    expect((await deliver('cleanup', deleting)).status).toBe(204);
    expect((await readRun(clusters, ir))?.spec).toMatchObject({ status: 'Cancelled' });
    expect(await readRequest(clusters, ir)).toBeUndefined();
    await setRunStatus(clusters, ir, { status: 'False', reason: 'Cancelled' });
    await deliver('cleanup', about((await sweep()).events, INTERNAL_REQUEST_COMPLETED, 'lost-deleting'));
    expect(await readRun(clusters, ir)).toBeUndefined();
  });
});

describe('resync: a repair that cannot be made now waits for the next sweep', () => {
  it('when one relay meets a conflict and another a server error, then the rest is repaired, the sweep answers 204, and the next sweep finishes the job', async () => {
    const stuck = await Promise.all(['retry-a', 'retry-b', 'retry-c'].map((name) => running(name)));
    for (const ir of stuck) await setRunStatus(clusters, ir, { status: 'True', reason: 'Succeeded' });
    clusters.publicServer.faults.failNext({ verb: 'patch', resource: 'internalrequests/status', count: 1, code: 409, reason: 'Conflict' });
    clusters.publicServer.faults.failNext({ verb: 'patch', resource: 'internalrequests/status', count: 1, code: 500 });
    const completedNow = async (): Promise<number> =>
      (await Promise.all(stuck.map((ir) => readRequest(clusters, ir)))).filter((ir) => ir?.status?.conditions?.[0]?.status === 'True').length;

    expect((await sweep()).delivery.status).toBe(204);
    expect(await completedNow()).toBe(1);
    expect((await sweep()).delivery.status).toBe(204);
    expect(await completedNow()).toBe(3);
  });

  it('when the Broker refuses the events, then the sweep still answers 204, and the next sweep sends them again', async () => {
    await createRequest(clusters, 'refused-add');
    sink.answerWith(503);
    expect((await sweep()).delivery.status).toBe(204);
    sink.answerWith(202);
    expect((await sweep()).emitted).toContain(`${RESOURCE_ADD} refused-add`);
  });

  it('when K_SINK is not set, then the ping fails with 500 saying what is missing, before anything is read', async () => {
    const sinkUrl = process.env.K_SINK;
    delete process.env.K_SINK;
    try {
      const { delivery, calls } = await sweep();
      expect(delivery).toMatchObject({ status: 500, text: expect.stringMatching(/K_SINK is not set/) });
      expect(calls).toEqual({});
    } finally {
      process.env.K_SINK = sinkUrl;
    }
  });
});

describe('resync and cleanup: a run in flight across the upgrade that set PIPELINE_RUN_NAMESPACE (ADR 0011)', () => {
  /** Running, its run in the service namespace and named in its status, as the functions left it before the setting. */
  async function runningBeforeUpgrade(name: string): Promise<{ ir: InternalRequest; run: string }> {
    const created = await createRequest(clusters, name);
    expect((await deliver('admission', objectEvent('add', created, clusters.publicServer))).reply?.type).toBe(INTERNAL_REQUEST_ADMITTED);
    const manifest = buildPipelineRun(created, InternalServicesConfigSpecSchema.parse({ allowList: [TENANT] }), SERVICE_NAMESPACE);
    await clusters.internal.create(PIPELINE_RUNS, SERVICE_NAMESPACE, manifest);
    const startTime = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const status = { pipelineRun: `${SERVICE_NAMESPACE}/${manifest.metadata.name}`, startTime, conditions: [{ ...SUCCEEDED, status: 'False', reason: 'Running', lastTransitionTime: startTime }] };
    await clusters.remote.patchStatus(INTERNAL_REQUESTS, TENANT, name, { merge: { status } });
    return { ir: (await readRequest(clusters, created)) as InternalRequest, run: manifest.metadata.name };
  }

  const oldRun = (name: string): Promise<PipelineRun | undefined> => clusters.internal.get<PipelineRun>(PIPELINE_RUNS, SERVICE_NAMESPACE, name);

  it('when it finishes, then a sweep relays it from where the request\'s status says, and cleanup deletes it there; while it goes, a sweep only looks at it', async () => {
    const { ir, run } = await runningBeforeUpgrade('in-flight');
    const going = await sweep();
    expect(going.emitted.filter((e) => e.endsWith(' in-flight'))).toEqual([]);
    expect(going.calls).toMatchObject({ 'internal get pipelineruns': 1 });
    expect((await readRequest(clusters, ir))?.status?.conditions?.[0]?.reason).toBe('Running');

    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    await clusters.internal.patchStatus(PIPELINE_RUNS, SERVICE_NAMESPACE, run, {
      merge: { status: { startTime: now, completionTime: now, conditions: [{ ...SUCCEEDED, lastTransitionTime: now }], results: [{ name: 'SIGNATURE', value: 'old-sig' }] } },
    });
    const { events } = await sweep();
    expect((await readRequest(clusters, ir))?.status).toMatchObject({ results: { SIGNATURE: 'old-sig' }, conditions: [{ status: 'True', reason: 'Succeeded' }] });
    const completed = about(events, INTERNAL_REQUEST_COMPLETED, 'in-flight');
    expect(completed.data).toEqual({ namespace: TENANT, name: 'in-flight', uid: ir.metadata.uid, pipelineRun: `${SERVICE_NAMESPACE}/${run}` });
    expect((await deliver('cleanup', completed)).status).toBe(204);
    expect(await oldRun(run)).toBeUndefined();
    expect(await readRun(clusters, ir)).toBeUndefined();
  });

  it('when its request is deleted, then cleanup cancels it where it is and releases the request, and no run is made in the new namespace', async () => {
    const { ir, run } = await runningBeforeUpgrade('in-flight-deleted');
    await clusters.remote.delete(INTERNAL_REQUESTS, TENANT, 'in-flight-deleted');
    const deleting = await deliver('admission', objectEvent('update', (await readRequest(clusters, ir)) as InternalRequest, clusters.publicServer));
    expect(deleting.reply?.type).toBe(INTERNAL_REQUEST_DELETING);
    expect((await deliver('cleanup', deleting.reply as CloudEvent<unknown>)).status).toBe(204);
    expect((await oldRun(run))?.spec).toMatchObject({ status: 'Cancelled' });
    expect(await readRequest(clusters, ir)).toBeUndefined();
    expect(await readRun(clusters, ir)).toBeUndefined();
    await clusters.internal.delete(PIPELINE_RUNS, SERVICE_NAMESPACE, run);
  });
});
