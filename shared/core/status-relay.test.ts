import { describe, expect, it } from '@jest/globals';
import type { InternalRequestStatus } from '../api/index.js';
import { aPipelineRun, anInternalRequest, REQUEST_UID } from '../api/testing.js';
import type { RunParts } from '../api/testing.js';
import { RESULTS_MAX_BYTES } from './results-budget.js';
import { relayRunGone, relayStatus, relayStatusUnread, relayStatusWithoutResults, runEventMatters } from './status-relay.js';

const NOW = new Date('2025-01-02T03:10:00Z');
const RUN = `internal-services/internalrequest-${REQUEST_UID}`;
const RUNNING: InternalRequestStatus = {
  pipelineRun: RUN,
  startTime: '2025-01-02T03:00:00Z',
  conditions: [{ type: 'Succeeded', status: 'False', reason: 'Running', message: '', lastTransitionTime: '2025-01-02T03:00:00Z' }],
};
const RESULTS = [
  { name: 'message', value: 'Hello, world!' },
  { name: 'list', value: ['a', 'b'] },
  { name: 'object', value: { key: 'v' } },
];

/** `status` null = a request with no status yet. */
function relayed(run: RunParts, status: InternalRequestStatus | null = RUNNING): Record<string, unknown> | null {
  const ir = anInternalRequest(status === null ? {} : { status });
  const patch = relayStatus(ir, aPipelineRun(run), NOW);
  return patch === null ? null : (patch.merge as { status: Record<string, unknown> }).status;
}

describe('Status relay: while the PipelineRun runs, IR is Running with status.pipelineRun set', () => {
  it.each([
    { name: 'no condition yet', run: {} },
    { name: 'Unknown / Started', run: { condition: { status: 'Unknown', reason: 'Started' } } },
    { name: 'Unknown / Running', run: { condition: { status: 'Unknown', reason: 'Running' } } },
    { name: 'Unknown / Cancelled (cancellation in progress)', run: { condition: { status: 'Unknown', reason: 'Cancelled' } } },
  ])('when the run is $name, then a request not yet marked becomes Running with status.pipelineRun', ({ run }) => {
    expect(relayed(run, null)).toMatchObject({
      pipelineRun: RUN,
      startTime: '2025-01-02T03:10:00Z',
      conditions: [{ type: 'Succeeded', status: 'False', reason: 'Running' }],
    });
  });

  it('when the request already says Running with that run, then nothing is written (repeats are no-ops)', () => {
    expect(relayed({ condition: { status: 'Unknown', reason: 'Running' } })).toBeNull();
  });
});

describe('Status relay: when it is done (Succeeded condition not Unknown)', () => {
  it('success → status.results = the string results (non-string skipped), True/Succeeded, completionTime', () => {
    const status = relayed({ condition: { status: 'True', reason: 'Succeeded' }, results: RESULTS, completionTime: '2025-01-02T03:09:30Z' });
    expect(status).toEqual({
      pipelineRun: RUN,
      startTime: '2025-01-02T03:00:00Z',
      completionTime: '2025-01-02T03:09:30Z',
      results: { message: 'Hello, world!' },
      conditions: [{ type: 'Succeeded', status: 'True', reason: 'Succeeded', message: '', lastTransitionTime: '2025-01-02T03:10:00Z' }],
    });
  });

  it('success = status True whatever the reason (Completed = success with skipped tasks)', () => {
    expect(relayed({ condition: { status: 'True', reason: 'Completed' } })).toMatchObject({
      conditions: [{ status: 'True', reason: 'Succeeded' }],
    });
  });

  it.each([
    { reason: 'Failed', message: 'Tasks Completed: 1 (Failed: 1, Cancelled 0), Skipped: 0' },
    { reason: 'PipelineRunTimeout', message: 'PipelineRun "x" failed to finish within "1h0m0s"' },
    { reason: 'Cancelled', message: 'PipelineRun "x" was cancelled' },
    { reason: 'CouldntGetPipeline', message: 'Error retrieving pipeline for pipelinerun' },
  ])("failure ($reason) → False/Failed with the PipelineRun condition's message", ({ reason, message }) => {
    expect(relayed({ condition: { status: 'False', reason, message } })).toMatchObject({
      conditions: [{ status: 'False', reason: 'Failed', message }],
    });
  });

  it('failure → no results (as the Go operator): a result written before the run failed is not handed back', () => {
    const failed = relayed({ condition: { status: 'False', reason: 'Failed', message: 'm' }, results: [{ name: 'result', value: 'Success' }] });
    expect(failed).toMatchObject({ conditions: [{ status: 'False', reason: 'Failed' }] });
    expect(failed).not.toHaveProperty('results');
  });

  it('a run without string results leaves status.results unset', () => {
    expect(relayed({ condition: { status: 'True', reason: 'Succeeded' }, results: [RESULTS[1]!] })).not.toHaveProperty('results');
  });

  it('completionTime falls back to now when the run does not say', () => {
    expect(relayed({ condition: { status: 'True', reason: 'Succeeded' } })).toMatchObject({ completionTime: '2025-01-02T03:10:00Z' });
  });

  it('a request whose Running mark was missed gets startTime and pipelineRun with its outcome', () => {
    expect(relayed({ condition: { status: 'True', reason: 'Succeeded' } }, null)).toMatchObject({
      pipelineRun: RUN,
      startTime: '2025-01-02T03:10:00Z',
    });
  });
});

describe('Status relay: results too large for a status are left out, and the condition says which', () => {
  const SUCCEEDED = { status: 'True', reason: 'Succeeded' };
  const MEGABYTES = [
    { name: 'sbom', value: 'x'.repeat(2 * 1024 * 1024) },
    { name: 'digest', value: 'sha256:abc' },
    { name: 'log', value: 'y'.repeat(RESULTS_MAX_BYTES) },
  ];

  it('when a successful run\'s results are over the limit, then those that fit are written and the rest named in the message', () => {
    expect(relayed({ condition: SUCCEEDED, results: MEGABYTES })).toMatchObject({
      results: { digest: 'sha256:abc' },
      conditions: [{ status: 'True', reason: 'Succeeded', message: expect.stringMatching(/^results left out: log, sbom \(over the limit of 786432 bytes/) }],
    });
  });

  it('when the results fit, then the Succeeded message stays empty', () => {
    expect(relayed({ condition: SUCCEEDED, results: RESULTS })).toMatchObject({ conditions: [{ message: '' }] });
  });

  const fallback = (run: RunParts, status: InternalRequestStatus = RUNNING): Record<string, unknown> | null => {
    const patch = relayStatusWithoutResults(anInternalRequest({ status }), aPipelineRun(run), NOW, 'Request entity too large: limit is 3145728');
    return patch === null ? null : (patch.merge as { status: Record<string, unknown> }).status;
  };

  it('when the API server refuses the status with its results, then the fallback is the same success with none, naming them all and the refusal', () => {
    const status = fallback({ condition: SUCCEEDED, results: MEGABYTES, completionTime: '2025-01-02T03:09:30Z' });
    expect(status).toEqual({
      pipelineRun: RUN,
      startTime: '2025-01-02T03:00:00Z',
      completionTime: '2025-01-02T03:09:30Z',
      conditions: [{
        type: 'Succeeded',
        status: 'True',
        reason: 'Succeeded',
        message: 'results left out: digest, log, sbom (the API server refused the status with them: Request entity too large: limit is 3145728)',
        lastTransitionTime: '2025-01-02T03:10:00Z',
      }],
    });
  });

  it.each([
    { name: 'the run failed (a failure carries no results)', run: { condition: { status: 'False', reason: 'Failed' }, results: MEGABYTES } },
    { name: 'the run had no string results', run: { condition: SUCCEEDED, results: [RESULTS[1]!] } },
    { name: 'the run belongs to another request', run: { condition: SUCCEEDED, results: MEGABYTES, labels: {} } },
  ])('when $name, then there is nothing to leave out: no fallback, the refusal stands', ({ run }) => {
    expect(fallback(run)).toBeNull();
  });

  it('when the request is already completed, then no fallback either', () => {
    const done: InternalRequestStatus = { ...RUNNING, conditions: [{ ...RUNNING.conditions![0]!, status: 'True', reason: 'Succeeded' }] };
    expect(fallback({ condition: SUCCEEDED, results: MEGABYTES }, done)).toBeNull();
  });
});

describe('Status relay: a completed request is never changed, and foreign runs are ignored', () => {
  it('when the request is already completed, then a later event writes nothing', () => {
    const done: InternalRequestStatus = {
      ...RUNNING,
      conditions: [{ type: 'Succeeded', status: 'True', reason: 'Succeeded', message: '', lastTransitionTime: '2025-01-02T03:05:00Z' }],
    };
    expect(relayed({ condition: { status: 'False', reason: 'Failed', message: 'late' } }, done)).toBeNull();
  });

  it('when the run belongs to another request, then nothing is written', () => {
    expect(relayed({ condition: { status: 'True', reason: 'Succeeded' }, labels: {} })).toBeNull();
  });

  it('the patch is guarded by the resourceVersion it was computed from', () => {
    const patch = relayStatus(anInternalRequest({ status: RUNNING }), aPipelineRun({ condition: { status: 'True' } }), NOW);
    expect(patch?.merge).toMatchObject({ metadata: { resourceVersion: '7' } });
  });
});

describe('Status relay: the run of a running request deleted by someone else', () => {
  const DELETED = aPipelineRun({ condition: { status: 'Unknown', reason: 'Running' } });

  it('when the request is Running with that run, then it is Failed, saying the run was deleted, with a completionTime', () => {
    const patch = relayRunGone(anInternalRequest({ status: RUNNING }), DELETED, NOW);
    expect((patch?.merge as { status: Record<string, unknown> }).status).toEqual({
      pipelineRun: RUN,
      startTime: '2025-01-02T03:00:00Z',
      completionTime: '2025-01-02T03:10:00Z',
      conditions: [
        {
          type: 'Succeeded',
          status: 'False',
          reason: 'Failed',
          message: `the PipelineRun ${RUN} was deleted before it finished`,
          lastTransitionTime: '2025-01-02T03:00:00Z',
        },
      ],
    });
  });

  it.each([
    { name: 'the request is already completed (its run was cleaned up)', status: { ...RUNNING, conditions: [{ ...RUNNING.conditions![0]!, status: 'True' as const, reason: 'Succeeded' }] } },
    { name: 'the request records another run', status: { ...RUNNING, pipelineRun: 'internal-services/internalrequest-other' } },
    { name: 'the request is not Running yet (its run may still be on its way)', status: {} },
  ])('when $name, then nothing is written', ({ status }) => {
    expect(relayRunGone(anInternalRequest({ status }), DELETED, NOW)).toBeNull();
  });
});

describe('Status relay: which run events need any API call, judged on the event\'s copy alone', () => {
  it.each([
    { change: 'add', run: {}, matters: false, why: 'a new run is not done: pipelinerun-creator marked its request Running' },
    { change: 'update', run: { condition: { status: 'Unknown', reason: 'Running' } }, matters: false, why: 'a run still going changes nothing' },
    { change: 'update', run: { condition: { status: 'True', reason: 'Succeeded' } }, matters: true, why: 'a finished run is read and relayed' },
    { change: 'update', run: { condition: { status: 'False', reason: 'Failed' } }, matters: true, why: 'a failed run is read and relayed' },
    { change: 'add', run: { condition: { status: 'True', reason: 'Succeeded' } }, matters: true, why: 'a run found finished (a relist) is read and relayed' },
    { change: 'delete', run: { condition: { status: 'True', reason: 'Succeeded' } }, matters: false, why: 'a finished run deleted: its outcome came with its last update' },
    { change: 'delete', run: { condition: { status: 'Unknown', reason: 'Running' } }, matters: true, why: 'a run deleted before it finished may fail its request' },
    { change: 'delete', run: {}, matters: true, why: 'a run deleted before it started may fail its request' },
  ] as const)('$change → $matters: $why', ({ change, run, matters }) => {
    expect(runEventMatters(change, aPipelineRun(run))).toBe(matters);
  });
});

describe('Status relay without a read (ADR 0014): the final status as a JSON patch the server checks', () => {
  const TESTS = [
    { op: 'test', path: '/metadata/uid', value: REQUEST_UID },
    { op: 'test', path: '/status/pipelineRun', value: RUN },
    { op: 'test', path: '/status/conditions/0/type', value: 'Succeeded' },
    { op: 'test', path: '/status/conditions/0/status', value: 'False' },
    { op: 'test', path: '/status/conditions/0/reason', value: 'Running' },
  ];

  it('success → tests that the request is this uid\'s, Running with this run; then True/Succeeded, a new lastTransitionTime, completionTime and the string results', () => {
    const patch = relayStatusUnread(aPipelineRun({ condition: { status: 'True', reason: 'Succeeded' }, results: RESULTS, completionTime: '2025-01-02T03:09:30Z' }), NOW);
    expect(patch?.json).toEqual([
      ...TESTS,
      { op: 'add', path: '/status/conditions/0/status', value: 'True' },
      { op: 'add', path: '/status/conditions/0/reason', value: 'Succeeded' },
      { op: 'add', path: '/status/conditions/0/message', value: '' },
      { op: 'add', path: '/status/conditions/0/lastTransitionTime', value: '2025-01-02T03:10:00Z' },
      { op: 'add', path: '/status/completionTime', value: '2025-01-02T03:09:30Z' },
      { op: 'add', path: '/status/results', value: { message: 'Hello, world!' } },
    ]);
  });

  it('failure → Failed with the run\'s message, no results, and the lastTransitionTime of Running kept (the status stays False)', () => {
    const patch = relayStatusUnread(aPipelineRun({ condition: { status: 'False', reason: 'Failed', message: 'boom' }, results: RESULTS }), NOW);
    expect(patch?.json).toEqual([
      ...TESTS,
      { op: 'add', path: '/status/conditions/0/status', value: 'False' },
      { op: 'add', path: '/status/conditions/0/reason', value: 'Failed' },
      { op: 'add', path: '/status/conditions/0/message', value: 'boom' },
      { op: 'add', path: '/status/completionTime', value: '2025-01-02T03:10:00Z' },
    ]);
  });

  it.each([
    { name: 'the run is not done', run: { condition: { status: 'Unknown', reason: 'Running' } } },
    { name: 'the run\'s name does not say its request\'s uid (generateName)', run: { name: 'internalrequest-x7k2p', condition: { status: 'True', reason: 'Succeeded' } } },
  ])('when $name, then null: the request must be read', ({ run }) => {
    expect(relayStatusUnread(aPipelineRun(run), NOW)).toBeNull();
  });
});
