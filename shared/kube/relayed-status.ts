import type { InternalRequest, MergePatch, PipelineRun } from '../api/index.js';
import { relayStatusWithoutResults } from '../core/index.js';
import { isRefusedAsWritten } from './errors.js';
import { patchInternalRequestStatus } from './internal-requests.js';
import type { ClusterPort } from './port.js';

/**
 * Writes the status the relay decided. When the API server will not store it as written (413, 422, or
 * etcd's size limit) and results are what can be dropped, the success is written again without them,
 * saying so: a retry of the same write could only fail the same way until the event is dead-lettered,
 * leaving the request Running for good. Shared by status-relay and the resync sweep, which write the same
 * decision.
 */
export async function writeRelayedStatus(
  remote: ClusterPort,
  ir: InternalRequest,
  pr: PipelineRun,
  patch: MergePatch,
  now: Date,
): Promise<InternalRequest> {
  try {
    return await patchInternalRequestStatus(remote, ir, patch);
  } catch (err) {
    const fallback = isRefusedAsWritten(err) ? relayStatusWithoutResults(ir, pr, now, err.detail || err.message) : null;
    if (fallback === null) throw err;
    return patchInternalRequestStatus(remote, ir, fallback);
  }
}
