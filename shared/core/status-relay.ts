import type { InternalRequest, MergePatch, PipelineRun } from '../api/index.js';
import { isCompleted, isRunning } from './conditions.js';
import { belongsTo } from './pipeline-run-lookup.js';
import {
  findPipelineRunCondition,
  hasPipelineRunSucceeded,
  isPipelineRunDone,
  namespacedName,
  stringResults,
} from './pipeline-run-state.js';
import { markCompleted, markRunning } from './request-status.js';
import { OVER_BUDGET, fitResults, omittedResultsNote } from './results-budget.js';

function completionTimeOf(pr: PipelineRun, now: Date): Date {
  const recorded = Date.parse(pr.status?.completionTime ?? '');
  return Number.isNaN(recorded) ? now : new Date(recorded);
}

/**
 * The status patch that brings a request in line with its PipelineRun, or null when nothing needs
 * writing (so a repeated event is a no-op): a run of another request, an already completed request,
 * or a running request that already says so. Results come back only on success, as the Go operator
 * does: release pipelines read `.status.results` whatever the outcome (an embargo check reads `result`
 * even after the request failed), so a result a run wrote before it failed must not be handed back.
 */
export function relayStatus(ir: InternalRequest, pr: PipelineRun, now: Date): MergePatch | null {
  if (!belongsTo(pr, ir) || isCompleted(ir)) return null;
  const pipelineRun = namespacedName(pr);
  if (!isPipelineRunDone(pr)) return markRunning(ir, pipelineRun, now);
  const { results, omitted } = fitResults(hasPipelineRunSucceeded(pr) ? stringResults(pr) : {});
  return markCompleted(
    ir,
    {
      pipelineRun,
      succeeded: hasPipelineRunSucceeded(pr),
      message: findPipelineRunCondition(pr)?.message ?? '',
      results,
      resultsNote: omittedResultsNote(omitted, OVER_BUDGET),
      completionTime: completionTimeOf(pr, now),
    },
    now,
  );
}

/**
 * The API server refused the status `relayStatus` wrote for a successful run (too large, or invalid):
 * the same success without any results, the condition naming them and the server's reason, so the
 * request still completes instead of staying Running while its event is retried into a dead letter.
 * Null when there were no results to leave out (then the refusal has another cause).
 */
export function relayStatusWithoutResults(ir: InternalRequest, pr: PipelineRun, now: Date, refusal: string): MergePatch | null {
  const names = Object.keys(stringResults(pr)).sort();
  if (!belongsTo(pr, ir) || isCompleted(ir) || !hasPipelineRunSucceeded(pr) || names.length === 0) return null;
  const outcome = {
    pipelineRun: namespacedName(pr),
    succeeded: true,
    message: '',
    results: {},
    resultsNote: omittedResultsNote(names, `the API server refused the status with them: ${refusal}`),
    completionTime: completionTimeOf(pr, now),
  };
  return markCompleted(ir, outcome, now);
}

/**
 * `gone` was deleted (the cluster no longer has it) while it may have been running. When it is the run a
 * Running request records, nothing will ever report its outcome, so the request fails, saying why,
 * instead of staying Running forever. Null otherwise (a request not yet Running may still get its run).
 */
export function relayRunGone(ir: InternalRequest, gone: { metadata: { namespace: string; name: string } }, now: Date): MergePatch | null {
  const pipelineRun = namespacedName(gone);
  if (!isRunning(ir) || ir.status?.pipelineRun !== pipelineRun) return null;
  const message = `the PipelineRun ${pipelineRun} was deleted before it finished`;
  return markCompleted(ir, { pipelineRun, succeeded: false, message, results: {}, completionTime: now }, now);
}
