import type { InternalRequest, MergePatch, PipelineRun } from '../api/index.js';
import { belongsTo, relayStatus, relayStatusUnread, relayStatusWithoutResults } from '../core/index.js';
import type { NamespacedName } from '../core/index.js';
import { ObjectGoneError, isRefusedAsWritten } from './errors.js';
import { patchInternalRequestStatus, readInternalRequest } from './internal-requests.js';
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

/** The request of a finished run once its outcome is relayed, as the server last answered, and whether a status was written. */
export interface RelayedRun {
  ir: InternalRequest;
  wrote: boolean;
}

/** The status written without a read, or undefined when the server refused it (the request is not as expected, or not as written). */
async function writeUnread(remote: ClusterPort, owner: NamespacedName, pr: PipelineRun, now: Date): Promise<InternalRequest | 'gone' | undefined> {
  const patch = relayStatusUnread(pr, now);
  if (patch === null) return undefined;
  try {
    return await patchInternalRequestStatus(remote, { metadata: owner }, patch);
  } catch (err) {
    if (err instanceof ObjectGoneError) return 'gone';
    if (isRefusedAsWritten(err)) return undefined;
    throw err;
  }
}

/**
 * Relays the outcome of the finished run `pr`, as read from the API server (never an event's copy), to
 * the request its labels name. The first try reads no request: one JSON patch whose `test` ops make the
 * server check what a read would have (ADR 0014). When the server refuses it (a failed test, or a status
 * it will not store), the request is read and the decision made on it as before, with the fallback
 * without results. Undefined when the request is gone or is not this run's (another request of its name).
 */
export async function relayFinishedRun(remote: ClusterPort, owner: NamespacedName, pr: PipelineRun, now: Date): Promise<RelayedRun | undefined> {
  const unread = await writeUnread(remote, owner, pr, now);
  if (unread === 'gone') return undefined;
  if (unread !== undefined) return { ir: unread, wrote: true };
  const ir = await readInternalRequest(remote, owner);
  if (ir === undefined || !belongsTo(pr, ir)) return undefined;
  const patch = relayStatus(ir, pr, now);
  return patch === null ? { ir, wrote: false } : { ir: await writeRelayedStatus(remote, ir, pr, patch, now), wrote: true };
}
