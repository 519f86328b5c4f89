import { http } from '@google-cloud/functions-framework';
import { PIPELINE_RUNS, PipelineRunSchema } from '../../shared/api/index.js';
import type { PipelineRun } from '../../shared/api/index.js';
import {
  belongsTo,
  isCompleted,
  isPipelineRunDone,
  namespacedName,
  relayRunGone,
  relayStatus,
  requestOfPipelineRun,
  requestUidOfRun,
} from '../../shared/core/index.js';
import type { NamespacedName } from '../../shared/core/index.js';
import { INTERNAL_REQUEST_COMPLETED, RESOURCE_ADD, RESOURCE_DELETE, RESOURCE_UPDATE, domainEvent } from '../../shared/events/index.js';
import type { ReceivedOf } from '../../shared/events/index.js';
import { defineEventFunction, done, reply } from '../../shared/http/index.js';
import type { FunctionContext, Outcome } from '../../shared/http/index.js';
import { patchInternalRequestStatus, readInternalRequest, readPipelineRun, requestRef, writeRelayedStatus } from '../../shared/kube/index.js';
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

/** A PipelineRun changed: bring its request's status in line, and announce the request once it is completed. */
async function relay(event: ReceivedOf<typeof consumes>, context: FunctionContext): Promise<Outcome> {
  if (event.type === RESOURCE_DELETE) return relayDeleted(event.data, context);
  const { remote, internal, now } = context;
  const pr = await readPipelineRun(internal, event.data.metadata);
  if (pr === undefined) return done('pipeline run is gone');
  const owner = requestOfPipelineRun(pr);
  if (owner === undefined) return done('not the run of an internal request');
  const ir = await readInternalRequest(remote, owner);
  if (ir === undefined || !belongsTo(pr, ir)) return announceOrphan(pr, owner);
  const at = now();
  const patch = relayStatus(ir, pr, at);
  const current = patch === null ? ir : await writeRelayedStatus(remote, ir, pr, patch, at);
  if (!isCompleted(current)) return done(patch === null ? 'nothing to change' : 'request running');
  if (patch !== null) recordAttemptFinished(current);
  // Announced again on later updates of a completed run too, so a cleanup that was lost gets another chance.
  return completed(requestRef(current), pr);
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
async function relayDeleted(last: PipelineRun, { remote, internal, now }: FunctionContext): Promise<Outcome> {
  const owner = requestOfPipelineRun(last);
  const ir = owner === undefined ? undefined : await readInternalRequest(remote, owner);
  const patch = ir === undefined ? null : relayRunGone(ir, last, now());
  if (ir === undefined || patch === null) return done('not the run of a running request');
  // The event's copy only says which run to look for: the run must really be gone before the request fails.
  if ((await readPipelineRun(internal, last.metadata)) !== undefined) return done('pipeline run still exists');
  recordAttemptFinished(await patchInternalRequestStatus(remote, ir, patch));
  return done('request failed: its pipeline run was deleted');
}

export const { descriptor, handler } = defineEventFunction({ name: NAME, consumes, emits: [INTERNAL_REQUEST_COMPLETED], handle: relay });
http(NAME, handler);
