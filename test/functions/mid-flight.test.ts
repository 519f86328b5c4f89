import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { CloudEvent } from 'cloudevents';
import '../../functions/index.js';
import { PIPELINE_RUNS } from '../../shared/api/index.js';
import type { Condition, InternalRequest, PipelineRun } from '../../shared/api/index.js';
import { INTERNAL_REQUEST_ADMITTED } from '../../shared/events/index.js';
import { PIPELINE_RUN_NAMESPACE, TENANT, createRequest, deliver, objectEvent, readRequest, readRun, runName, setConfig, setRunStatus, startClusters } from './harness.js';
import type { Clusters } from './harness.js';

let clusters: Clusters;

beforeAll(async () => {
  clusters = await startClusters();
  await setConfig(clusters, { allowList: [TENANT] });
});
afterEach(async () => {
  clusters.internalServer.faults.clear();
  await setConfig(clusters, { allowList: [TENANT] });
});
afterAll(() => clusters.stop());

async function admit(ir: InternalRequest): Promise<CloudEvent<unknown>> {
  const delivery = await deliver('admission', objectEvent('add', ir, clusters.publicServer));
  expect(delivery.reply?.type).toBe(INTERNAL_REQUEST_ADMITTED);
  return delivery.reply as CloudEvent<unknown>;
}

async function conditionOf(ir: InternalRequest): Promise<Condition | undefined> {
  return (await readRequest(clusters, ir))?.status?.conditions?.[0];
}

describe('a running request is never judged again', () => {
  it('when the config stops allowing the namespace while the run goes, then a new add event leaves the request Running', async () => {
    const created = await createRequest(clusters, 'allowed-at-start');
    expect((await deliver('pipelinerun-creator', await admit(created))).status).toBe(204);
    const running = (await readRequest(clusters, created)) as InternalRequest;
    await setConfig(clusters, { allowList: [] });

    // The remote watcher emits `add` for every request it finds after a restart.
    expect((await deliver('admission', objectEvent('add', running, clusters.publicServer))).status).toBe(204);
    expect(await conditionOf(created)).toMatchObject({ status: 'False', reason: 'Running' });
    expect((await readRequest(clusters, created))?.metadata.resourceVersion).toBe(running.metadata.resourceVersion);
  });

  it('when an admitted event is delivered again after the run was removed, then no second run is created', async () => {
    const created = await createRequest(clusters, 'admitted-twice');
    const admitted = await admit(created);
    expect((await deliver('pipelinerun-creator', admitted)).status).toBe(204);
    await clusters.internal.delete(PIPELINE_RUNS, PIPELINE_RUN_NAMESPACE, runName(created));

    expect((await deliver('pipelinerun-creator', admitted)).status).toBe(204);
    expect(await readRun(clusters, created)).toBeUndefined();
  });
});

describe('the PipelineRun of a running request deleted by someone else', () => {
  it('when the run is deleted before it finished, then the request is Failed, saying so, instead of Running forever', async () => {
    const created = await createRequest(clusters, 'run-deleted');
    expect((await deliver('pipelinerun-creator', await admit(created))).status).toBe(204);
    const run = (await readRun(clusters, created)) as PipelineRun;
    await clusters.internal.delete(PIPELINE_RUNS, PIPELINE_RUN_NAMESPACE, runName(created));

    expect((await deliver('status-relay', objectEvent('delete', run, clusters.internalServer))).status).toBe(204);
    const failed = (await readRequest(clusters, created)) as InternalRequest;
    expect(failed.status?.conditions).toEqual([
      expect.objectContaining({
        status: 'False',
        reason: 'Failed',
        message: `the PipelineRun ${PIPELINE_RUN_NAMESPACE}/${runName(created)} was deleted before it finished`,
      }),
    ]);
    expect(failed.status?.completionTime).toEqual(expect.any(String));
  });

  it('when a delete event names a run that still exists, then the request stays Running', async () => {
    const created = await createRequest(clusters, 'run-not-deleted');
    expect((await deliver('pipelinerun-creator', await admit(created))).status).toBe(204);
    const run = (await readRun(clusters, created)) as PipelineRun;

    expect((await deliver('status-relay', objectEvent('delete', run, clusters.internalServer))).status).toBe(204);
    expect(await conditionOf(created)).toMatchObject({ status: 'False', reason: 'Running' });
  });
});

describe('bad input always gets a clear error', () => {
  it('when a run fails with a message longer than a condition may hold, then the request is still Failed, with the message cut', async () => {
    const created = await createRequest(clusters, 'long-message');
    expect((await deliver('pipelinerun-creator', await admit(created))).status).toBe(204);
    const finished = await setRunStatus(clusters, created, { status: 'False', reason: 'Failed', message: 'x'.repeat(40000) });

    expect((await deliver('status-relay', objectEvent('update', finished, clusters.internalServer))).status).toBe(200);
    expect(await conditionOf(created)).toMatchObject({ reason: 'Failed', message: expect.stringMatching(/^x{32767}…$/) });
  });

  it('when the config stops allowing the namespace between admission and the creator, then the request is Rejected, not left without status', async () => {
    const created = await createRequest(clusters, 'allowed-then-not');
    const admitted = await admit(created);
    await setConfig(clusters, { allowList: [] });

    expect((await deliver('pipelinerun-creator', admitted)).status).toBe(204);
    expect(await conditionOf(created)).toMatchObject({
      status: 'False',
      reason: 'Rejected',
      message: `the internal request namespace (${TENANT}) is not in the allow list`,
    });
    expect(await readRun(clusters, created)).toBeUndefined();
  });

  it.each([
    { code: 422, reason: 'Invalid', message: 'PipelineRun.tekton.dev "x" is invalid: spec.params[0].name: Invalid value' },
    { code: 400, reason: 'BadRequest', message: 'admission webhook "validation.webhook.pipeline.tekton.dev" denied the request: validation failed' },
  ])('when the internal cluster refuses the PipelineRun as invalid ($code), then the request is Failed with that message, not retried', async ({ code, reason, message }) => {
    const created = await createRequest(clusters, `refused-${code}`);
    const admitted = await admit(created);
    clusters.internalServer.faults.failNext({ verb: 'create', resource: 'pipelineruns', count: 1, code, reason, message });

    expect((await deliver('pipelinerun-creator', admitted)).status).toBe(204);
    const failed = (await readRequest(clusters, created)) as InternalRequest;
    expect(failed.status?.conditions).toEqual([
      expect.objectContaining({ type: 'Succeeded', status: 'False', reason: 'Failed', message: `the PipelineRun could not be created: ${message}` }),
    ]);
    expect(failed.status?.completionTime).toEqual(expect.any(String));
    expect(await readRun(clusters, created)).toBeUndefined();
  });

  it('when creating the PipelineRun is forbidden (403), then the broker retries and the request is left as it was', async () => {
    const created = await createRequest(clusters, 'forbidden-run');
    const admitted = await admit(created);
    clusters.internalServer.faults.failNext({ verb: 'create', resource: 'pipelineruns', count: 1, code: 403, reason: 'Forbidden' });

    expect((await deliver('pipelinerun-creator', admitted)).status).toBe(500);
    expect((await readRequest(clusters, created))?.status).toBeUndefined();
  });
});
