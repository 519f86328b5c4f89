import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CloudEvent } from 'cloudevents';
import '../../functions/index.js';
import { FINALIZER, PIPELINE_RUNS } from '../../shared/api/index.js';
import type { InternalRequest } from '../../shared/api/index.js';
import { INTERNAL_REQUEST_ADMITTED, INTERNAL_REQUEST_COMPLETED } from '../../shared/events/index.js';
import { PIPELINE_RUN_NAMESPACE, TENANT, createRequest, deliver, objectEvent, readRequest, readRun, setConfig, setRunStatus, startClusters } from './harness.js';
import type { Clusters, Delivery } from './harness.js';

const COPIES = 20;
let clusters: Clusters;

beforeAll(async () => {
  clusters = await startClusters();
  await setConfig(clusters, { allowList: [TENANT] });
});
afterAll(() => clusters.stop());

/** The same event, delivered COPIES times at once (at-least-once delivery at its worst), half of them structured. */
function deliverConcurrently(functionName: string, event: CloudEvent<unknown>): Promise<Delivery[]> {
  return Promise.all(Array.from({ length: COPIES }, (_, i) => deliver(functionName, event, i % 2 ? 'structured' : 'binary')));
}

const statuses = (deliveries: Delivery[]): number[] => [...new Set(deliveries.map((d) => d.status))];

describe(`the same event delivered ${COPIES} times concurrently`, () => {
  it('leaves exactly one PipelineRun, one finalizer and one consistent status at every step', async () => {
    const created = await createRequest(clusters, 'duplicated');

    const admissions = await deliverConcurrently('admission', objectEvent('add', created, clusters.publicServer));
    expect(statuses(admissions)).toEqual([200]);
    expect(admissions.every((d) => d.reply?.type === INTERNAL_REQUEST_ADMITTED)).toBe(true);
    expect((await readRequest(clusters, created))?.metadata.finalizers).toEqual([FINALIZER]);

    const admitted = admissions[0]?.reply as CloudEvent<unknown>;
    expect(statuses(await deliverConcurrently('pipelinerun-creator', admitted))).toEqual([204]);
    const runs = await clusters.internal.list(PIPELINE_RUNS, PIPELINE_RUN_NAMESPACE, {
      labelSelector: 'internal-services.appstudio.openshift.io/name=duplicated',
    });
    expect(runs).toHaveLength(1);
    const running = (await readRequest(clusters, created)) as InternalRequest;
    expect(running.status?.conditions).toEqual([expect.objectContaining({ status: 'False', reason: 'Running' })]);

    const finished = await setRunStatus(clusters, created, { status: 'True', reason: 'Succeeded', results: [{ name: 'R', value: 'v' }] });
    const relays = await deliverConcurrently('status-relay', objectEvent('update', finished, clusters.internalServer));
    expect(statuses(relays)).toEqual([200]);
    expect(relays.every((d) => d.reply?.type === INTERNAL_REQUEST_COMPLETED)).toBe(true);
    const succeeded = (await readRequest(clusters, created)) as InternalRequest;
    expect(succeeded.status?.conditions).toEqual([expect.objectContaining({ status: 'True', reason: 'Succeeded' })]);
    expect(succeeded.status).toMatchObject({ startTime: running.status?.startTime, results: { R: 'v' } });

    const completed = relays[0]?.reply as CloudEvent<unknown>;
    expect(statuses(await deliverConcurrently('cleanup', completed))).toEqual([204]);
    expect(await readRun(clusters, created)).toBeUndefined();
    expect((await readRequest(clusters, created))?.status).toEqual(succeeded.status);
  });
});
