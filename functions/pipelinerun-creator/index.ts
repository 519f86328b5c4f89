import { http } from '@google-cloud/functions-framework';
import type { InternalRequest } from '../../shared/api/index.js';
import { buildPipelineRun, decideAdmission, markRunRefused, markRunning } from '../../shared/core/index.js';
import { INTERNAL_REQUEST_ADMITTED, InternalRequestRefSchema } from '../../shared/events/index.js';
import type { ReceivedOf } from '../../shared/events/index.js';
import { defineEventFunction, done } from '../../shared/http/index.js';
import type { FunctionContext, Outcome } from '../../shared/http/index.js';
import { createPipelineRun, patchInternalRequestStatus, readInternalRequest } from '../../shared/kube/index.js';
import type { ClusterPort } from '../../shared/kube/index.js';
import { recordAttemptFinished, recordAttemptStarted } from '../../shared/observability/index.js';
import type { ServiceMetrics } from '../../shared/observability/index.js';

const NAME = 'pipelinerun-creator';
const consumes = [{ type: INTERNAL_REQUEST_ADMITTED, data: InternalRequestRefSchema }] as const;

/** A request was admitted: run its PipelineRun on the internal cluster and mark the request Running. */
async function start(event: ReceivedOf<typeof consumes>, { remote, internal, config, settings, now, metrics }: FunctionContext): Promise<Outcome> {
  const ir = await readInternalRequest(remote, event.data);
  if (ir === undefined) return done('request is gone');
  const spec = await config.load();
  // The event only says "look at this request": admission is decided again on its current state, and a
  // rejection is recorded here too, or a config changed since admission would leave the request without status.
  const decision = decideAdmission(ir, spec, now());
  if (decision.action === 'reject') {
    recordAttemptFinished(metrics, await patchInternalRequestStatus(remote, ir, decision.patch));
    return done(`rejected by ${decision.check}`);
  }
  if (decision.action !== 'admit') return done(`not admitted now (${decision.action})`);
  const manifest = buildPipelineRun(ir, spec, settings.pipelineRunNamespace);
  const created = await createPipelineRun(internal, manifest);
  if (created.outcome === 'refused') return failRefused(remote, ir, created.refusal, now(), metrics);
  const patch = markRunning(ir, `${manifest.metadata.namespace}/${manifest.metadata.name}`, now());
  if (patch === null) return done(`pipeline run ${created.outcome}, request already running`);
  await patchInternalRequestStatus(remote, ir, patch);
  recordAttemptStarted(metrics);
  return done(`pipeline run ${created.outcome}, request running`);
}

/** The internal cluster refused the run as invalid: sending it again cannot help, so the request fails with the reason. */
async function failRefused(remote: ClusterPort, ir: InternalRequest, refusal: string, now: Date, metrics: ServiceMetrics): Promise<Outcome> {
  const patch = markRunRefused(ir, refusal, now);
  if (patch !== null) recordAttemptFinished(metrics, await patchInternalRequestStatus(remote, ir, patch));
  return done('pipeline run refused as invalid, request failed');
}

export const { descriptor, handler, invoke } = defineEventFunction({ name: NAME, consumes, emits: [], handle: start });
http(NAME, handler);
