import { http } from '@google-cloud/functions-framework';
import { PIPELINE_RUNS, PipelineRunSchema } from '../../shared/api/index.js';
import type { PipelineRun } from '../../shared/api/index.js';
import {
  isCompleted,
  isPipelineRunDone,
  namespacedName,
  relayRunGone,
  requestOfPipelineRun,
  requestUidOfRun,
  runEventMatters,
} from '../../shared/core/index.js';
import type { NamespacedName } from '../../shared/core/index.js';
import { INTERNAL_REQUEST_COMPLETED, RESOURCE_ADD, RESOURCE_DELETE, RESOURCE_UPDATE, domainEvent } from '../../shared/events/index.js';
import type { ReceivedOf } from '../../shared/events/index.js';
import { defineEventFunction, done, reply } from '../../shared/http/index.js';
import type { FunctionContext, Outcome } from '../../shared/http/index.js';
import { patchInternalRequestStatus, readInternalRequest, readPipelineRun, relayFinishedRun, requestRef } from '../../shared/kube/index.js';
import { recordAttemptFinished } from '../../shared/observability/index.js';

const NAME = 'status-relay';
const consumes = [
  { type: RESOURCE_ADD, kind: PIPELINE_RUNS.kind, data: PipelineRunSchema },
  { type: RESOURCE_UPDATE, kind: PIPELINE_RUNS.kind, data: PipelineRunSchema },
  { type: RESOURCE_DELETE, kind: PIPELINE_RUNS.kind, data: PipelineRunSchema },
] as const;

function completed(ref: NamespacedName & { uid: string }, pr: PipelineRun): Outcome {
  return reply(domainEvent(NAME, INTERNAL_REQUEST_COMPLETED, { ...ref, pipelineRun: namespacedName(pr) }), 'completed');
}

/** A PipelineRun changed: once it is done, relay its outcome to its request and announce the request completed. */
async function relay(event: ReceivedOf<typeof consumes>, context: FunctionContext): Promise<Outcome> {
  const deleted = event.type === RESOURCE_DELETE;
  if (!runEventMatters(deleted ? 'delete' : 'update', event.data)) return done(deleted ? 'a finished run was deleted' : 'run not done yet');
  if (deleted) return relayDeleted(event.data, context);
  const { remote, internal, now } = context;
  // The outcome and its results are relayed from the run as the API server has it, never from the event's copy.
  const pr = await readPipelineRun(internal, event.data.metadata);
  if (pr === undefined) return done('pipeline run is gone');
  const owner = requestOfPipelineRun(pr);
  if (owner === undefined) return done('not the run of an internal request');
  if (!isPipelineRunDone(pr)) return done('run not done yet');
  const relayed = await relayFinishedRun(remote, owner, pr, now());
  if (relayed === undefined) return announceOrphan(pr, owner);
  if (!isCompleted(relayed.ir)) return done('request not completed');
  if (relayed.wrote) recordAttemptFinished(context.metrics, relayed.ir);
  // Announced again on later updates of a completed run too, so a cleanup that was lost gets another chance.
  return completed(requestRef(relayed.ir), pr);
}

/**
 * A finished run whose request is gone (deleted mid-run, or deleted and created again under its name) is
 * announced as completed for the request it was created for, so cleanup removes it like any finished run.
 */
function announceOrphan(pr: PipelineRun, owner: NamespacedName): Outcome {
  const uid = requestUidOfRun(pr);
  if (uid === undefined || !isPipelineRunDone(pr)) return done('request is gone or has another run');
  return completed({ ...owner, uid }, pr);
}

/** A PipelineRun was deleted: when it was still the run of a Running request, that request fails, saying so. */
async function relayDeleted(last: PipelineRun, { remote, internal, now, metrics }: FunctionContext): Promise<Outcome> {
  const owner = requestOfPipelineRun(last);
  const ir = owner === undefined ? undefined : await readInternalRequest(remote, owner);
  const patch = ir === undefined ? null : relayRunGone(ir, last, now());
  if (ir === undefined || patch === null) return done('not the run of a running request');
  // The event's copy only says which run to look for: the run must really be gone before the request fails.
  if ((await readPipelineRun(internal, last.metadata)) !== undefined) return done('pipeline run still exists');
  recordAttemptFinished(metrics, await patchInternalRequestStatus(remote, ir, patch));
  return done('request failed: its pipeline run was deleted');
}

export const { descriptor, handler, invoke } = defineEventFunction({ name: NAME, consumes, emits: [INTERNAL_REQUEST_COMPLETED], handle: relay });
http(NAME, handler);
