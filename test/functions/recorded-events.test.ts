/**
 * The functions fed what Knative's real ApiServerSource adapter sent, byte for byte (the fixtures
 * test/kube/apiserversource-equivalence.test.ts records against a real kube-apiserver). A recording
 * names objects of the cluster it was made on: each replay creates the same request here and maps the
 * recording's uid to the new one, so the event names an object this cluster has; nothing else changes.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import '../../functions/index.js';
import { FINALIZER, INTERNAL_REQUESTS, PIPELINE_RUNS } from '../../shared/api/index.js';
import type { InternalRequest } from '../../shared/api/index.js';
import { INTERNAL_REQUEST_ADMITTED, INTERNAL_REQUEST_COMPLETED, INTERNAL_REQUEST_DELETING } from '../../shared/events/index.js';
import { readFixture } from '../support/apiserversource-fixtures.js';
import type { RecordedDelivery } from '../support/apiserversource-fixtures.js';
import { PIPELINE_RUN_NAMESPACE, TENANT, deliver, objectEvent, post, readRequest, readRun, setConfig, startClusters } from './harness.js';
import type { Clusters } from './harness.js';

let clusters: Clusters;

beforeAll(async () => {
  clusters = await startClusters();
  await setConfig(clusters, { allowList: [TENANT] });
});
afterAll(() => clusters.stop());

interface Replay {
  ir: InternalRequest;
  /** The recorded delivery `index`, naming this cluster's request instead of the recorded one. */
  delivery(index: number): RecordedDelivery;
  /** The object a recorded delivery carries, after the same mapping. */
  object(index: number): Record<string, unknown>;
}

/** Creates the request the recording was made with (from the recording's first object) and maps its uid. */
async function replayOf(deliveries: RecordedDelivery[], request: (first: Record<string, unknown>) => Record<string, unknown>): Promise<Replay> {
  const first = JSON.parse(deliveries[0]?.body ?? '{}') as Record<string, unknown>;
  const recorded = request(first) as { metadata: { uid: string; name: string; namespace: string }; spec: unknown };
  const ir = await clusters.remote.create<InternalRequest>(INTERNAL_REQUESTS, recorded.metadata.namespace, {
    apiVersion: 'appstudio.redhat.com/v1alpha1', kind: 'InternalRequest',
    metadata: { name: recorded.metadata.name, namespace: recorded.metadata.namespace }, spec: recorded.spec,
  });
  const map = (text: string): string => text.replaceAll(recorded.metadata.uid, ir.metadata.uid);
  const delivery = (index: number): RecordedDelivery => {
    const d = deliveries[index];
    if (!d) throw new Error(`the recording has no delivery ${index}`);
    return { headers: Object.fromEntries(Object.entries(d.headers).map(([k, v]) => [k, map(v)])), body: map(d.body) };
  };
  return { ir, delivery, object: (index) => JSON.parse(delivery(index).body) as Record<string, unknown> };
}

/** The request a recorded run was built for: named by its labels, its uid in the run's name. */
function requestOfRun(run: Record<string, unknown>): Record<string, unknown> {
  const metadata = run['metadata'] as { name: string; labels: Record<string, string> };
  return {
    metadata: {
      uid: metadata.name.replace('internalrequest-', ''),
      name: metadata.labels['internal-services.appstudio.openshift.io/name'],
      namespace: metadata.labels['internal-services.appstudio.openshift.io/namespace'],
    },
    spec: { pipeline: { pipelineRef: (run['spec'] as { pipelineRef: unknown }).pipelineRef } },
  };
}

/** Tekton writes the status recording `index` shows; then that recorded update is delivered to status-relay. */
async function relayRecordedUpdate(replay: Replay, runName: string, index: number): Promise<{ status: number; reply?: string }> {
  const recorded = replay.object(index) as { status: unknown };
  await clusters.internal.patchStatus(PIPELINE_RUNS, PIPELINE_RUN_NAMESPACE, runName, { merge: { status: recorded.status } });
  const update = replay.delivery(index);
  const relayed = await post('status-relay', update.headers, update.body);
  return { status: relayed.status, ...(relayed.reply ? { reply: relayed.reply.type } : {}) };
}

function typeOf(d: RecordedDelivery): string {
  return d.headers['ce-type'] ?? '';
}

describe('the functions, fed the events the real ApiServerSource sent', () => {
  it('when admission gets the recorded add of a request, then it holds it with the finalizer and admits it; the recorded deletion update then makes it announce the deletion', async () => {
    const recording = readFixture('internalrequests').deliveries;
    const replay = await replayOf(recording, (first) => first);
    expect(recording.map(typeOf)).toEqual([
      'dev.knative.apiserver.resource.add', ...Array(4).fill('dev.knative.apiserver.resource.update'), 'dev.knative.apiserver.resource.delete',
    ]);

    const add = replay.delivery(0);
    const admitted = await post('admission', add.headers, add.body);
    expect({ status: admitted.status, reply: admitted.reply?.type }).toEqual({ status: 200, reply: INTERNAL_REQUEST_ADMITTED });
    expect((await readRequest(clusters, replay.ir))?.metadata.finalizers).toEqual([FINALIZER]);

    await clusters.remote.delete(INTERNAL_REQUESTS, TENANT, replay.ir.metadata.name);
    const deletingIndex = recording.findIndex((d) => (JSON.parse(d.body) as { metadata: { deletionTimestamp?: string } }).metadata.deletionTimestamp !== undefined);
    const deleting = replay.delivery(deletingIndex);
    const announced = await post('admission', deleting.headers, deleting.body);
    expect({ status: announced.status, reply: announced.reply?.type }).toEqual({ status: 200, reply: INTERNAL_REQUEST_DELETING });
  });

  it('when status-relay gets the recorded updates and delete of a run, then the request runs, succeeds with the run\'s result, and the run\'s deletion changes nothing', async () => {
    const recording = readFixture('pipelineruns').deliveries;
    const replay = await replayOf(recording, requestOfRun);
    const recordedRun = (replay.object(0)['metadata'] as { name: string; namespace: string });
    const runName = recordedRun.name;
    const admitted = await deliver('admission', objectEvent('add', replay.ir, clusters.publicServer));
    expect((await deliver('pipelinerun-creator', admitted.reply as NonNullable<typeof admitted.reply>)).status).toBe(204);
    // The recording's run must be where pipelinerun-creator puts runs here, or the replayed events name a run this cluster lacks.
    expect({ namespace: PIPELINE_RUN_NAMESPACE, name: (await readRun(clusters, replay.ir))?.metadata.name }).toEqual({ namespace: recordedRun.namespace, name: runName });

    expect(await relayRecordedUpdate(replay, runName, 1)).toEqual({ status: 204 });
    expect((await readRequest(clusters, replay.ir))?.status?.conditions?.[0]?.reason).toBe('Running');
    expect(await relayRecordedUpdate(replay, runName, 2)).toEqual({ status: 200, reply: INTERNAL_REQUEST_COMPLETED });
    const done = await readRequest(clusters, replay.ir);
    expect(done?.status?.conditions?.[0]).toMatchObject({ type: 'Succeeded', status: 'True', reason: 'Succeeded' });
    expect(done?.status?.results).toEqual({ message: 'Hello, world!' });

    await clusters.internal.delete(PIPELINE_RUNS, PIPELINE_RUN_NAMESPACE, runName);
    const gone = replay.delivery(3);
    expect(typeOf(gone)).toBe('dev.knative.apiserver.resource.delete');
    expect((await post('status-relay', gone.headers, gone.body)).status).toBe(204);
    expect((await readRequest(clusters, replay.ir))?.status?.conditions?.[0]?.reason).toBe('Succeeded');
  });
});
