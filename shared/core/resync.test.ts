import { describe, expect, it } from '@jest/globals';
import { FINALIZER } from '../api/index.js';
import type { InternalRequestStatus } from '../api/index.js';
import { aConfigSpec, aPipelineRun, anInternalRequest, REQUEST_UID } from '../api/testing.js';
import { decideOrphanRepair, decideRequestRepair, runKeyOf, summarizeRun } from './resync.js';
import type { RunSummary } from './resync.js';

const RUN_KEY = `internal-services/internalrequest-${REQUEST_UID}`;
const RUN_REF = { namespace: 'internal-services', name: `internalrequest-${REQUEST_UID}` };
const condition = (status: 'True' | 'False', reason: string): InternalRequestStatus['conditions'] =>
  [{ type: 'Succeeded', status, reason, message: '', lastTransitionTime: '2025-01-01T00:00:00Z' }];
const RUNNING: InternalRequestStatus = { pipelineRun: RUN_KEY, startTime: '2025-01-01T00:00:00Z', conditions: condition('False', 'Running') };
const SUCCEEDED: InternalRequestStatus = { pipelineRun: RUN_KEY, conditions: condition('True', 'Succeeded') };
const REJECTED: InternalRequestStatus = { conditions: condition('False', 'Rejected') };
const HELD = { finalizers: [FINALIZER] };
const DONE: RunSummary = summarizeRun(aPipelineRun({ condition: { status: 'True', reason: 'Succeeded' } }));
const GOING: RunSummary = summarizeRun(aPipelineRun({ condition: { status: 'Unknown', reason: 'Running' } }));

describe('Resync: what a request left undone by a lost event, and the repair', () => {
  const table = [
    { name: 'no finalizer, no status (its add was lost) → the add admission missed', metadata: {}, status: undefined, run: undefined, repair: { repair: 'announce-add' } },
    { name: 'finalizer but no status (admitted reply or creation lost) → the add again', metadata: HELD, status: undefined, run: undefined, repair: { repair: 'announce-add' } },
    { name: 'Running without the finalizer → the add, so admission holds it', metadata: {}, status: RUNNING, run: GOING, repair: { repair: 'announce-add' } },
    { name: 'Running, its run still going → nothing', metadata: HELD, status: RUNNING, run: GOING, repair: { repair: 'none' } },
    { name: 'Running, its run done (update lost) → relay the run', metadata: HELD, status: RUNNING, run: DONE, repair: { repair: 'relay', run: RUN_REF } },
    { name: 'Running, its run not listed (delete lost, or created after the list) → relay what is there', metadata: HELD, status: RUNNING, run: undefined, repair: { repair: 'relay', run: RUN_REF } },
    { name: 'completed, its run still there (cleanup lost) → announce completed', metadata: HELD, status: SUCCEEDED, run: DONE, repair: { repair: 'announce-completed', pipelineRun: RUN_KEY } },
    { name: 'completed, its run gone → nothing', metadata: HELD, status: SUCCEEDED, run: undefined, repair: { repair: 'none' } },
    { name: 'rejected, no run → nothing', metadata: HELD, status: REJECTED, run: undefined, repair: { repair: 'none' } },
    { name: 'being deleted, our finalizer holds it (deletion lost) → announce deleting', metadata: { ...HELD, deletionTimestamp: '2025-01-02T00:00:00Z' }, status: RUNNING, run: GOING, repair: { repair: 'announce-deleting' } },
    { name: 'being deleted, only others\' finalizers → nothing of ours', metadata: { finalizers: ['x/y'], deletionTimestamp: '2025-01-02T00:00:00Z' }, status: undefined, run: undefined, repair: { repair: 'none' } },
  ];
  it.each(table)('$name', ({ metadata, status, run, repair }) => {
    expect(decideRequestRepair(anInternalRequest({ metadata, status }), run, aConfigSpec())).toEqual(repair);
  });

  it('when debug keeps runs, then a completed request\'s run is not announced (cleanup would keep it anyway)', () => {
    expect(decideRequestRepair(anInternalRequest({ metadata: HELD, status: SUCCEEDED }), DONE, aConfigSpec({ debug: true }))).toEqual({ repair: 'none' });
  });
});

describe('Resync: which run a request has', () => {
  it.each([
    { name: 'its status names a run elsewhere → that one', status: { ...RUNNING, pipelineRun: 'elsewhere/run-1' }, key: 'elsewhere/run-1' },
    { name: 'its status names a run in the namespace runs lived in before the upgrade → that one', status: RUNNING, key: RUN_KEY },
    { name: 'it names none → the one named after its uid in the pipeline-run namespace', status: undefined, key: `runs/internalrequest-${REQUEST_UID}` },
  ])('when $name', ({ status, key }) => {
    expect(runKeyOf(anInternalRequest({ status }), 'runs')).toBe(key);
  });

  it('when a run is listed, then the summary keeps its key, whether it is done, its request and that request\'s uid', () => {
    expect(DONE).toEqual({ key: RUN_KEY, done: true, owner: { namespace: 'tenant', name: 'hello' }, requestUid: REQUEST_UID });
    expect(GOING.done).toBe(false);
  });
});

describe('Resync: a run no listed request claims (its request is gone)', () => {
  it.each([
    { name: 'done → announce completed for the request it was created for', run: DONE, debug: false, repair: { repair: 'announce-completed', request: { namespace: 'tenant', name: 'hello', uid: REQUEST_UID }, pipelineRun: RUN_KEY } },
    { name: 'still going → nothing yet (a later sweep, once done)', run: GOING, debug: false, repair: { repair: 'none' } },
    { name: 'done, but debug keeps runs → nothing', run: DONE, debug: true, repair: { repair: 'none' } },
    { name: 'named by generateName (no uid in its name) → nothing, as status-relay', run: summarizeRun(aPipelineRun({ name: 'release-x7k2p', condition: { status: 'True' } })), debug: false, repair: { repair: 'none' } },
    { name: 'no request labels → nothing', run: summarizeRun(aPipelineRun({ labels: {}, condition: { status: 'True' } })), debug: false, repair: { repair: 'none' } },
  ])('$name', ({ run, debug, repair }) => {
    expect(decideOrphanRepair(run, aConfigSpec({ debug }))).toEqual(repair);
  });
});
