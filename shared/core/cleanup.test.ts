import { describe, expect, it } from '@jest/globals';
import { FINALIZER } from '../api/index.js';
import type { InternalRequestStatus } from '../api/index.js';
import { REQUEST_UID, aConfigSpec, aPipelineRun, anInternalRequest } from '../api/testing.js';
import { CANCEL_PATCH, planAfterCompletion, planAfterCompletionByName, planDeletion } from './cleanup.js';

const SUCCEEDED: InternalRequestStatus = {
  conditions: [{ type: 'Succeeded', status: 'True', reason: 'Succeeded', message: '', lastTransitionTime: '2025-01-01T00:00:00Z' }],
};
const RUNNING: InternalRequestStatus = {
  conditions: [{ type: 'Succeeded', status: 'False', reason: 'Running', message: '', lastTransitionTime: '2025-01-01T00:00:00Z' }],
};
const DONE_RUN = aPipelineRun({ condition: { status: 'True', reason: 'Succeeded' } });
const LIVE_RUN = aPipelineRun({ condition: { status: 'Unknown', reason: 'Running' } });
const DELETING = { deletionTimestamp: '2025-01-02T00:00:00Z', finalizers: ['example.com/keep', FINALIZER] };

describe('Cleanup: after completion, delete the PipelineRun unless config.debug is true', () => {
  const table = [
    { name: 'completed, debug off → delete', ir: anInternalRequest({ status: SUCCEEDED }), run: DONE_RUN, debug: false, action: 'delete-pipeline-run' },
    { name: 'completed, debug on → keep', ir: anInternalRequest({ status: SUCCEEDED }), run: DONE_RUN, debug: true, action: 'keep' },
    { name: 'not completed (forged or early event) → keep', ir: anInternalRequest({ status: RUNNING }), run: LIVE_RUN, debug: false, action: 'keep' },
    { name: 'no PipelineRun → nothing to delete', ir: anInternalRequest({ status: SUCCEEDED }), run: undefined, debug: false, action: 'keep' },
    { name: 'request gone, run done → delete', ir: undefined, run: DONE_RUN, debug: false, action: 'delete-pipeline-run' },
    { name: 'request gone, run still going → keep', ir: undefined, run: LIVE_RUN, debug: false, action: 'keep' },
    { name: "another request's run → keep", ir: anInternalRequest({ status: SUCCEEDED }), run: aPipelineRun({ labels: {} }), debug: false, action: 'keep' },
  ];
  it.each(table)('$name', ({ ir, run, debug, action }) => {
    expect(planAfterCompletion(ir, run, aConfigSpec({ debug })).action).toBe(action);
  });

  it('the plan names the run to delete', () => {
    expect(planAfterCompletion(anInternalRequest({ status: SUCCEEDED }), DONE_RUN, aConfigSpec())).toEqual({
      action: 'delete-pipeline-run',
      namespace: 'internal-services',
      name: DONE_RUN.metadata.name,
    });
  });
});

describe('Cleanup: a run named after the request\'s uid is deleted without reading it', () => {
  const named = `internal-services/internalrequest-${REQUEST_UID}`;
  const table = [
    { name: 'completed, recording its run by the uid name → delete it, unread', status: { ...SUCCEEDED, pipelineRun: named }, debug: false, plan: { action: 'delete-pipeline-run', namespace: 'internal-services', name: `internalrequest-${REQUEST_UID}` } },
    { name: 'completed, debug on → keep', status: { ...SUCCEEDED, pipelineRun: named }, debug: true, plan: { action: 'keep', why: 'debug' } },
    { name: 'not completed (forged or early event) → keep', status: { ...RUNNING, pipelineRun: named }, debug: false, plan: { action: 'keep', why: 'not-completed' } },
    { name: 'recording a run of another name (generateName) → read the run first', status: { ...SUCCEEDED, pipelineRun: 'internal-services/internalrequest-x7k2p' }, debug: false, plan: undefined },
    { name: "recording another request's uid name → read the run first", status: { ...SUCCEEDED, pipelineRun: 'internal-services/internalrequest-0b6a1f1e-0000-4a4b-9a7e-1d2c3b4a5f60' }, debug: false, plan: undefined },
    { name: 'recording no run → look for it by labels', status: SUCCEEDED, debug: false, plan: undefined },
  ];
  it.each(table)('$name', ({ status, debug, plan }) => {
    expect(planAfterCompletionByName(anInternalRequest({ status }), aConfigSpec({ debug }))).toEqual(plan);
  });
});

describe('Cleanup: when the IR is being deleted, cancel a run that is not done, then remove the finalizer', () => {
  const removal = { merge: { metadata: { resourceVersion: '7', finalizers: ['example.com/keep'] } } };
  const table = [
    { name: 'run not done → spec.status Cancelled, then finalizer removed', run: LIVE_RUN, cancel: true },
    { name: 'no PipelineRun → just remove the finalizer', run: undefined, cancel: false },
    { name: 'an already-done run is not cancelled', run: aPipelineRun({ condition: { status: 'False', reason: 'Failed' } }), cancel: false },
    { name: 'a run already asked to cancel is not patched again', run: aPipelineRun({ specStatus: 'Cancelled', condition: { status: 'Unknown', reason: 'Cancelled' } }), cancel: false },
    { name: "another request's run is never cancelled", run: aPipelineRun({ labels: {}, condition: { status: 'Unknown' } }), cancel: false },
  ];
  it.each(table)('$name', ({ run, cancel }) => {
    const plan = planDeletion(anInternalRequest({ metadata: DELETING, status: RUNNING }), run);
    expect(plan.cancel).toEqual(cancel ? { namespace: 'internal-services', name: LIVE_RUN.metadata.name } : null);
    expect(plan.removeFinalizer).toEqual(removal);
  });

  it('cancelling is the merge patch spec.status: Cancelled', () => {
    expect(CANCEL_PATCH).toEqual({ merge: { spec: { status: 'Cancelled' } } });
  });

  it('the finalizer removal keeps every other finalizer and is guarded by resourceVersion', () => {
    const ir = anInternalRequest({ metadata: { ...DELETING, finalizers: ['a/x', FINALIZER, 'b/y'] } });
    expect(planDeletion(ir, undefined).removeFinalizer).toEqual({ merge: { metadata: { resourceVersion: '7', finalizers: ['a/x', 'b/y'] } } });
  });

  it('when the finalizer is already gone, then there is nothing to remove (repeats are no-ops)', () => {
    const ir = anInternalRequest({ metadata: { deletionTimestamp: '2025-01-02T00:00:00Z' } });
    expect(planDeletion(ir, undefined)).toEqual({ cancel: null, removeFinalizer: null });
  });

  it('when the request is not being deleted (a forged event), then nothing happens', () => {
    expect(planDeletion(anInternalRequest({ metadata: { finalizers: [FINALIZER] } }), LIVE_RUN)).toEqual({ cancel: null, removeFinalizer: null });
  });
});
