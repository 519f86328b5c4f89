/**
 * status-relay writes a finished run's outcome without reading the request first (ADR 0014): a JSON patch
 * whose `test` ops make the server check what the read would have. It must leave a Running request
 * exactly as the merge patch decided on a read does, and be refused wherever that read would have
 * decided differently. Both are applied here as the local API server applies them.
 */
import { describe, expect, it } from '@jest/globals';
import { jsonPatch, mergePatch } from '../../local/apiserver/patches.js';
import type { InternalRequestStatus } from '../../shared/api/index.js';
import { REQUEST_UID, aPipelineRun, anInternalRequest } from '../../shared/api/testing.js';
import type { RunParts } from '../../shared/api/testing.js';
import { relayStatus, relayStatusUnread } from '../../shared/core/index.js';

const NOW = new Date('2025-01-02T03:10:00Z');
const RUN = `internal-services/internalrequest-${REQUEST_UID}`;
const RUNNING: InternalRequestStatus = {
  pipelineRun: RUN,
  startTime: '2025-01-02T03:00:00Z',
  conditions: [{ type: 'Succeeded', status: 'False', reason: 'Running', message: '', lastTransitionTime: '2025-01-02T03:00:01Z' }],
};

function unread(run: RunParts, status: InternalRequestStatus | undefined, uid = REQUEST_UID): unknown {
  const patch = relayStatusUnread(aPipelineRun(run), NOW);
  if (patch === null) throw new Error('no patch');
  return jsonPatch(anInternalRequest({ metadata: { uid }, ...(status === undefined ? {} : { status }) }), patch.json);
}

describe('the final status written without a read equals the one written after it', () => {
  it.each([
    { name: 'success with results, some not strings', run: { condition: { status: 'True', reason: 'Succeeded' }, results: [{ name: 'a', value: 'x' }, { name: 'b', value: ['y'] }], completionTime: '2025-01-02T03:09:00Z' } },
    { name: 'success with skipped tasks (Completed), no results', run: { condition: { status: 'True', reason: 'Completed' } } },
    { name: 'success with results over the budget', run: { condition: { status: 'True', reason: 'Succeeded' }, results: [{ name: 'sbom', value: 's'.repeat(900_000) }, { name: 'digest', value: 'sha256:1' }] } },
    { name: 'failure that wrote a result', run: { condition: { status: 'False', reason: 'Failed', message: 'Tasks Completed: 1 (Failed: 1)' }, results: [{ name: 'result', value: 'Success' }] } },
    { name: 'timeout with a message over the condition limit', run: { condition: { status: 'False', reason: 'PipelineRunTimeout', message: 'm'.repeat(40_000) } } },
  ])('$name', ({ run }) => {
    const ir = anInternalRequest({ status: RUNNING });
    const decided = relayStatus(ir, aPipelineRun(run), NOW);
    const afterRead = mergePatch(ir, decided?.merge) as { status: unknown };
    expect((unread(run, RUNNING) as { status: unknown }).status).toEqual(afterRead.status);
  });
});

describe('the server refuses the write without a read wherever the read would have decided otherwise', () => {
  const DONE = { condition: { status: 'True', reason: 'Succeeded' } };
  const completed: InternalRequestStatus = { ...RUNNING, conditions: [{ ...RUNNING.conditions![0]!, status: 'True', reason: 'Succeeded' }] };
  it.each([
    { name: 'not marked Running yet (no status)', status: undefined, uid: REQUEST_UID },
    { name: 'already completed', status: completed, uid: REQUEST_UID },
    { name: 'rejected', status: { conditions: [{ ...RUNNING.conditions![0]!, reason: 'Rejected' }] }, uid: REQUEST_UID },
    { name: 'Running with another run', status: { ...RUNNING, pipelineRun: 'internal-services/internalrequest-other' }, uid: REQUEST_UID },
    { name: 'another request of the same name (another uid)', status: RUNNING, uid: '11111111-2222-4333-8444-555555555555' },
  ])('when the request is $name, then 422', ({ status, uid }) => {
    expect(() => unread(DONE, status, uid)).toThrow(expect.objectContaining({ code: 422 }));
  });
});
