import { describe, expect, it } from '@jest/globals';
import { aConfigSpec, anInternalRequest } from '../api/testing.js';
import { FINALIZER } from '../api/index.js';
import type { Condition, InternalRequest, MergePatch } from '../api/index.js';
import { decideAdmission } from './admission.js';
import { findSucceededCondition, hasSucceeded, isCompleted, isRunning } from './conditions.js';
import { markCompleted, markRunRefused, markRunning } from './request-status.js';

const START = new Date('2025-01-02T03:04:05.678Z');
const LATER = new Date('2025-01-02T03:10:00.000Z');
const RUN = 'internal-services/internalrequest-x';

function condition(status: Condition['status'], reason: string, message = ''): Condition {
  return { type: 'Succeeded', status, reason, message, lastTransitionTime: '2025-01-01T00:00:00Z' };
}

function withCondition(c: Condition): InternalRequest {
  return anInternalRequest({ status: { conditions: [c] } });
}

function rejection(): MergePatch | null {
  const ir = anInternalRequest({ metadata: { finalizers: [FINALIZER] } });
  const decision = decideAdmission(ir, aConfigSpec({ allowList: [] }), START);
  return decision.action === 'reject' ? decision.patch : null;
}

function statusOf(patch: MergePatch | null): Record<string, unknown> {
  return (patch?.merge as { status: Record<string, unknown> }).status;
}

describe('Lifecycle: condition type Succeeded, the only condition, always at index 0', () => {
  const outcome = (succeeded: boolean): Parameters<typeof markCompleted>[1] => ({
    pipelineRun: RUN,
    succeeded,
    message: succeeded ? '' : 'Tasks Completed: 1 (Failed: 1)',
    results: {},
    completionTime: LATER,
  });
  const rows: Array<[string, MergePatch | null, Partial<Condition>, 'set' | 'unset']> = [
    ['running: False / Running, startTime set', markRunning(anInternalRequest(), RUN, START), { status: 'False', reason: 'Running' }, 'unset'],
    ['succeeded: True / Succeeded, completionTime set', markCompleted(anInternalRequest(), outcome(true), LATER), { status: 'True', reason: 'Succeeded' }, 'set'],
    [
      "failed: False / Failed, message = the PipelineRun's Succeeded message, completionTime set",
      markCompleted(anInternalRequest(), outcome(false), LATER),
      { status: 'False', reason: 'Failed', message: 'Tasks Completed: 1 (Failed: 1)' },
      'set',
    ],
    ['rejected: False / Rejected, message says why, no completionTime', rejection(), { status: 'False', reason: 'Rejected', message: 'the internal request namespace (tenant) is not in the allow list' }, 'unset'],
  ];
  it.each(rows)('%s', (_name, patch, expected, completion) => {
    const status = statusOf(patch);
    const conditions = status.conditions as Condition[];
    expect(conditions).toHaveLength(1);
    expect(conditions[0]).toMatchObject({ type: 'Succeeded', ...expected });
    expect(status.startTime !== undefined).toBe(expected.reason !== 'Rejected');
    expect(status.completionTime !== undefined).toBe(completion === 'set');
  });

  it('failed before any run existed: False / Failed, message names the refusal, completionTime set, no startTime nor pipelineRun', () => {
    const status = statusOf(markRunRefused(anInternalRequest(), 'spec.params[0].name: Invalid value', LATER));
    expect(status).toEqual({
      completionTime: '2025-01-02T03:10:00Z',
      conditions: [
        {
          type: 'Succeeded',
          status: 'False',
          reason: 'Failed',
          message: 'the PipelineRun could not be created: spec.params[0].name: Invalid value',
          lastTransitionTime: '2025-01-02T03:10:00Z',
        },
      ],
    });
  });

  it('running: startTime is set once, on first Running', () => {
    const first = statusOf(markRunning(anInternalRequest(), RUN, START));
    expect(first.startTime).toBe('2025-01-02T03:04:05Z');
    const running = anInternalRequest({ status: { ...first, pipelineRun: 'internal-services/other' } as never });
    expect(statusOf(markRunning(running, RUN, LATER)).startTime).toBe('2025-01-02T03:04:05Z');
  });

  it('lastTransitionTime stays while the status does not flip (Running → Failed are both False)', () => {
    const running = withCondition(condition('False', 'Running'));
    const failed = statusOf(markCompleted(running, outcome(false), LATER));
    expect((failed.conditions as Condition[])[0]?.lastTransitionTime).toBe('2025-01-01T00:00:00Z');
    const succeeded = statusOf(markCompleted(running, outcome(true), LATER));
    expect((succeeded.conditions as Condition[])[0]?.lastTransitionTime).toBe('2025-01-02T03:10:00Z');
  });

  it('failed: a run message longer than the CRD allows is cut to the limit, so the status write is not refused', () => {
    const long = { pipelineRun: RUN, succeeded: false, message: 'x'.repeat(40000), results: {}, completionTime: LATER };
    const message = (statusOf(markCompleted(anInternalRequest(), long, LATER)).conditions as Condition[])[0]?.message ?? '';
    expect(message).toHaveLength(32768);
    expect(message.endsWith('x…')).toBe(true);
  });

  it('status patches name the resourceVersion they were computed from', () => {
    expect(markRunning(anInternalRequest(), RUN, START)?.merge).toMatchObject({ metadata: { resourceVersion: '7' } });
  });
});

describe('A completed request (True, or False with any reason but Running) is never changed again', () => {
  const table: Array<[string, Condition | undefined, boolean]> = [
    ['no condition yet', undefined, false],
    ['False / Running', condition('False', 'Running'), false],
    ['True / Succeeded', condition('True', 'Succeeded'), true],
    ['False / Failed', condition('False', 'Failed'), true],
    ['False / Rejected', condition('False', 'Rejected'), true],
    ['False / any other reason', condition('False', 'SomethingElse'), true],
    ['Unknown / Running', condition('Unknown', 'Running'), false],
  ];
  it.each(table.map(([name, c, completed]) => ({ name, c, completed })))('$name → completed: $completed', ({ c, completed }) => {
    const ir = c === undefined ? anInternalRequest() : withCondition(c);
    expect(isCompleted(ir)).toBe(completed);
    if (completed) {
      expect(markRunning(ir, RUN, LATER)).toBeNull();
      expect(markCompleted(ir, { pipelineRun: RUN, succeeded: true, message: '', results: {}, completionTime: LATER }, LATER)).toBeNull();
      expect(markRunRefused(ir, 'invalid', LATER)).toBeNull();
    }
  });

  it('wait-for-internal-request: Succeeded is success, a reason other than empty or Running is final', () => {
    expect(hasSucceeded(withCondition(condition('True', 'Succeeded')))).toBe(true);
    expect(hasSucceeded(withCondition(condition('False', 'Failed')))).toBe(false);
    expect(isRunning(withCondition(condition('False', 'Running')))).toBe(true);
    expect(isRunning(withCondition(condition('True', 'Running')))).toBe(false);
  });

  it('the condition is found by type, so kubectl wait --for=condition=Succeeded sees the same one', () => {
    const ir = anInternalRequest({ status: { conditions: [condition('False', 'Running')] } });
    expect(findSucceededCondition(ir)?.type).toBe('Succeeded');
  });

  it('a Running request that already records its PipelineRun needs no write', () => {
    const ir = anInternalRequest({
      status: { conditions: [condition('False', 'Running')], pipelineRun: RUN, startTime: '2025-01-01T00:00:00Z' },
    });
    expect(markRunning(ir, RUN, LATER)).toBeNull();
  });
});
