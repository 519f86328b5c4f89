import { describe, expect, it } from '@jest/globals';
import { InternalRequestShellSchema } from '../api/index.js';
import type { InternalRequestShell } from '../api/index.js';
import { decideInvalidRequest } from './invalid-request.js';

const NOW = new Date('2025-01-02T03:04:05Z');
const PROBLEMS = 'spec.pipeline.pipelineRef.params: Invalid input: expected array, received undefined';
const condition = (status: string, reason: string): object => ({ type: 'Succeeded', status, reason, message: '', lastTransitionTime: '2025-01-01T00:00:00Z' });

/** What the API server holds: a request whose spec our schema refuses, with the metadata and status given. */
function stored(metadata: object = {}, status?: unknown): InternalRequestShell {
  return InternalRequestShellSchema.parse({
    metadata: { name: 'hello', namespace: 'tenant', uid: 'u-1', resourceVersion: '7', ...metadata },
    spec: { pipeline: { pipelineRef: { resolver: 'cluster' } } },
    ...(status === undefined ? {} : { status }),
  });
}

describe('Invalid requests: a stored request our schema refuses is Rejected once, naming the fields', () => {
  it('when it has no status yet, then Rejected with the failing fields, guarded by its resourceVersion', () => {
    const message = `the internal request does not match the InternalRequest schema: ${PROBLEMS}`;
    expect(decideInvalidRequest(stored(), PROBLEMS, NOW)).toEqual({
      action: 'reject',
      message,
      patch: {
        merge: {
          metadata: { resourceVersion: '7' },
          status: { conditions: [{ type: 'Succeeded', status: 'False', reason: 'Rejected', message, lastTransitionTime: '2025-01-02T03:04:05Z' }] },
        },
      },
    });
  });

  const table = [
    { name: 'already Rejected (a repeated event) → nothing written', shell: stored({}, { conditions: [condition('False', 'Rejected')] }), why: 'already completed' },
    { name: 'already Succeeded → never changed again', shell: stored({}, { conditions: [condition('True', 'Succeeded')] }), why: 'already completed' },
    { name: 'already Running → its run is left alone', shell: stored({}, { conditions: [condition('False', 'Running')] }), why: 'already started' },
    { name: 'being deleted → let go', shell: stored({ deletionTimestamp: '2025-01-02T03:00:00Z' }), why: 'being deleted' },
  ];
  it.each(table)('when $name', ({ shell, why }) => {
    expect(decideInvalidRequest(shell, PROBLEMS, NOW)).toEqual({ action: 'ignore', why });
  });

  it('when its conditions cannot be read either, then they count as none and it is Rejected', () => {
    const shell = stored({}, { conditions: [{ type: 'Succeeded', status: 'Maybe' }] });
    expect(decideInvalidRequest(shell, PROBLEMS, NOW)).toMatchObject({ action: 'reject' });
  });

  it('when the problems are long, then the message is cut to the condition limit', () => {
    const decision = decideInvalidRequest(stored(), 'x'.repeat(40_000), NOW);
    expect(decision.action === 'reject' && decision.message.length).toBeGreaterThan(32_768);
    const written = (decision as { patch: { merge: { status: { conditions: Array<{ message: string }> } } } }).patch.merge.status.conditions[0];
    expect(written?.message.length).toBe(32_768);
  });
});
