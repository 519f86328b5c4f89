import { http } from '@google-cloud/functions-framework';
import { INTERNAL_REQUESTS, PIPELINE_RUNS } from '../../shared/api/index.js';
import { CANCEL_PATCH, planAfterCompletion, planAfterCompletionByName, planDeletion } from '../../shared/core/index.js';
import {
  CompletedDataSchema,
  INTERNAL_REQUEST_COMPLETED,
  INTERNAL_REQUEST_DELETING,
  InternalRequestRefSchema,
} from '../../shared/events/index.js';
import type { CompletedData, InternalRequestRef, ReceivedOf } from '../../shared/events/index.js';
import { defineEventFunction, done } from '../../shared/http/index.js';
import type { FunctionContext, Outcome } from '../../shared/http/index.js';
import { findPipelineRun, readInternalRequest } from '../../shared/kube/index.js';
import { recordAttemptCancelled } from '../../shared/observability/index.js';
import { runAfterCompletion } from './run-after-completion.js';

const NAME = 'cleanup';
const consumes = [
  { type: INTERNAL_REQUEST_COMPLETED, data: CompletedDataSchema },
  { type: INTERNAL_REQUEST_DELETING, data: InternalRequestRefSchema },
] as const;

/** A request completed: its PipelineRun goes, unless the config keeps runs for debugging. */
async function removeRun(data: CompletedData, context: FunctionContext): Promise<Outcome> {
  const ir = await readInternalRequest(context.remote, data);
  const config = await context.config.load();
  const byName = ir === undefined ? undefined : planAfterCompletionByName(ir, config);
  const plan = byName ?? planAfterCompletion(ir, await runAfterCompletion(context, ir, data), config);
  if (plan.action === 'keep') return done(`pipeline run kept (${plan.why})`);
  await context.internal.delete(PIPELINE_RUNS, plan.namespace, plan.name);
  return done('pipeline run deleted');
}

/** A request is being deleted: stop its run if that still goes, then let the deletion finish. */
async function release(data: InternalRequestRef, { remote, internal, settings, metrics }: FunctionContext): Promise<Outcome> {
  const ir = await readInternalRequest(remote, data);
  if (ir === undefined) return done('request is gone');
  const plan = planDeletion(ir, await findPipelineRun(internal, ir, settings.pipelineRunNamespace));
  if (plan.cancel !== null) {
    await internal.patch(PIPELINE_RUNS, plan.cancel.namespace, plan.cancel.name, CANCEL_PATCH);
    recordAttemptCancelled(metrics);
  }
  if (plan.removeFinalizer !== null) await remote.patch(INTERNAL_REQUESTS, data.namespace, data.name, plan.removeFinalizer);
  return done(`${plan.cancel ? 'run cancelled, ' : ''}${plan.removeFinalizer ? 'finalizer removed' : 'nothing to release'}`);
}

function clean(event: ReceivedOf<typeof consumes>, context: FunctionContext): Promise<Outcome> {
  return event.type === INTERNAL_REQUEST_DELETING ? release(event.data, context) : removeRun(event.data, context);
}

export const { descriptor, handler, invoke } = defineEventFunction({ name: NAME, consumes, emits: [], handle: clean });
http(NAME, handler);
