import type { InternalRequest, MergePatch, PipelineRun } from '../api/index.js';
import { isCompleted } from './conditions.js';
import { belongsTo } from './pipeline-run-lookup.js';
import {
  findPipelineRunCondition,
  hasPipelineRunSucceeded,
  isPipelineRunDone,
  namespacedName,
  stringResults,
} from './pipeline-run-state.js';
import { markCompleted, markRunning } from './request-status.js';

function completionTimeOf(pr: PipelineRun, now: Date): Date {
  const recorded = Date.parse(pr.status?.completionTime ?? '');
  return Number.isNaN(recorded) ? now : new Date(recorded);
}

/**
 * The status patch that brings a request in line with its PipelineRun, or null when nothing needs
 * writing (so a repeated event is a no-op): a run of another request, an already completed request,
 * or a running request that already says so. String results are copied on failure too, so a task
 * need not exit 0 just to hand its results back.
 */
export function relayStatus(ir: InternalRequest, pr: PipelineRun, now: Date): MergePatch | null {
  if (!belongsTo(pr, ir) || isCompleted(ir)) return null;
  const pipelineRun = namespacedName(pr);
  if (!isPipelineRunDone(pr)) return markRunning(ir, pipelineRun, now);
  return markCompleted(
    ir,
    {
      pipelineRun,
      succeeded: hasPipelineRunSucceeded(pr),
      message: findPipelineRunCondition(pr)?.message ?? '',
      results: stringResults(pr),
      completionTime: completionTimeOf(pr, now),
    },
    now,
  );
}
