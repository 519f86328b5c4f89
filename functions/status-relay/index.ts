import { http } from '@google-cloud/functions-framework';
import { PIPELINE_RUNS, PipelineRunSchema } from '../../shared/api/index.js';
import { belongsTo, isCompleted, namespacedName, relayStatus, requestOfPipelineRun } from '../../shared/core/index.js';
import { INTERNAL_REQUEST_COMPLETED, RESOURCE_ADD, RESOURCE_UPDATE, domainEvent } from '../../shared/events/index.js';
import type { ReceivedOf } from '../../shared/events/index.js';
import { defineEventFunction, done, reply } from '../../shared/http/index.js';
import type { FunctionContext, Outcome } from '../../shared/http/index.js';
import { patchInternalRequestStatus, readInternalRequest, readPipelineRun, requestRef } from '../../shared/kube/index.js';
import { recordAttemptFinished } from '../../shared/observability/index.js';

const NAME = 'status-relay';
const consumes = [
  { type: RESOURCE_ADD, kind: PIPELINE_RUNS.kind, data: PipelineRunSchema },
  { type: RESOURCE_UPDATE, kind: PIPELINE_RUNS.kind, data: PipelineRunSchema },
] as const;

/** A PipelineRun changed: bring its request's status in line, and announce the request once it is completed. */
async function relay(event: ReceivedOf<typeof consumes>, { remote, internal, now }: FunctionContext): Promise<Outcome> {
  const pr = await readPipelineRun(internal, event.data.metadata);
  if (pr === undefined) return done('pipeline run is gone');
  const owner = requestOfPipelineRun(pr);
  if (owner === undefined) return done('not the run of an internal request');
  const ir = await readInternalRequest(remote, owner);
  if (ir === undefined) return done('request is gone');
  const patch = relayStatus(ir, pr, now());
  const current = patch === null ? ir : await patchInternalRequestStatus(remote, ir, patch);
  if (!isCompleted(current) || !belongsTo(pr, current)) return done(patch === null ? 'nothing to change' : 'request running');
  if (patch !== null) recordAttemptFinished(current);
  // Announced again on later updates of a completed run too, so a cleanup that was lost gets another chance.
  return reply(domainEvent(NAME, INTERNAL_REQUEST_COMPLETED, { ...requestRef(current), pipelineRun: namespacedName(pr) }), 'completed');
}

export const { descriptor, handler } = defineEventFunction({ name: NAME, consumes, emits: [INTERNAL_REQUEST_COMPLETED], handle: relay });
http(NAME, handler);
