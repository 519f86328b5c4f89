import { kubeTime } from '../api/index.js';
import type { InternalRequest, InternalRequestStatus, MergePatch } from '../api/index.js';
import {
  failedCondition,
  findSucceededCondition,
  isCompleted,
  isRunning,
  runningCondition,
  succeededCondition,
} from './conditions.js';

/**
 * A merge patch for the `/status` subresource. It carries the resourceVersion the decision was made on,
 * so a concurrent writer turns it into a 409 Conflict (retried, then re-decided on fresh state) instead
 * of two writers racing: that is what keeps a completed request from ever changing again.
 */
export function statusPatch(ir: { metadata: { resourceVersion: string } }, change: Partial<InternalRequestStatus>): MergePatch {
  return { merge: { metadata: { resourceVersion: ir.metadata.resourceVersion }, status: change } };
}

/** Running with `status.pipelineRun`; `startTime` set once. Null when that is already so or it is completed. */
export function markRunning(ir: InternalRequest, pipelineRun: string, now: Date): MergePatch | null {
  const status = ir.status ?? {};
  if (isCompleted(ir)) return null;
  if (isRunning(ir) && status.pipelineRun === pipelineRun && status.startTime !== undefined) return null;
  return statusPatch(ir, {
    pipelineRun,
    startTime: status.startTime ?? kubeTime(now),
    conditions: [runningCondition(findSucceededCondition(ir), now)],
  });
}

export interface RunOutcome {
  pipelineRun: string;
  succeeded: boolean;
  /** The PipelineRun's Succeeded message; shown on failure. */
  message: string;
  results: Record<string, string>;
  /** On success: which results were left out and why (empty when none were). */
  resultsNote?: string;
  completionTime: Date;
}

/** Succeeded or Failed, with results and completionTime. Null when the request is already completed. */
export function markCompleted(ir: InternalRequest, outcome: RunOutcome, now: Date): MergePatch | null {
  if (isCompleted(ir)) return null;
  const previous = findSucceededCondition(ir);
  const condition = outcome.succeeded
    ? succeededCondition(previous, now, outcome.resultsNote)
    : failedCondition(previous, outcome.message, now);
  const results = Object.keys(outcome.results).length > 0 ? { results: outcome.results } : {};
  return statusPatch(ir, {
    pipelineRun: outcome.pipelineRun,
    startTime: ir.status?.startTime ?? kubeTime(now),
    completionTime: kubeTime(outcome.completionTime),
    ...results,
    conditions: [condition],
  });
}

/**
 * Failed before any run existed: the internal cluster refused the PipelineRun built for the request as
 * invalid. Nothing ran, so there is no startTime or pipelineRun. Null when the request is already completed.
 */
export function markRunRefused(ir: InternalRequest, refusal: string, now: Date): MergePatch | null {
  if (isCompleted(ir)) return null;
  return statusPatch(ir, {
    completionTime: kubeTime(now),
    conditions: [failedCondition(findSucceededCondition(ir), `the PipelineRun could not be created: ${refusal}`, now)],
  });
}
