import { kubeTime } from '../api/index.js';
import type { InternalRequest, JsonPatch, JsonPatchOperation, MergePatch, PipelineRun } from '../api/index.js';
import { Reason, SUCCEEDED, failedCondition, isCompleted, isRunning, succeededCondition } from './conditions.js';
import { belongsTo, requestUidOfRun } from './pipeline-run-lookup.js';
import {
  findPipelineRunCondition,
  hasPipelineRunSucceeded,
  isPipelineRunDone,
  namespacedName,
  stringResults,
} from './pipeline-run-state.js';
import { markCompleted, markRunning } from './request-status.js';
import type { RunOutcome } from './request-status.js';
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
  if (!isPipelineRunDone(pr)) return markRunning(ir, namespacedName(pr), now);
  return markCompleted(ir, outcomeOf(pr, now), now);
}

/** What a finished run hands its request: success or failure, and on success the results that fit. */
function outcomeOf(pr: PipelineRun, now: Date): RunOutcome {
  const succeeded = hasPipelineRunSucceeded(pr);
  const { results, omitted } = fitResults(succeeded ? stringResults(pr) : {});
  return {
    pipelineRun: namespacedName(pr),
    succeeded,
    message: findPipelineRunCondition(pr)?.message ?? '',
    results,
    resultsNote: omittedResultsNote(omitted, OVER_BUDGET),
    completionTime: completionTimeOf(pr, now),
  };
}

/**
 * Whether an ApiServerSource event about a run can change anything, judged on the event's copy alone:
 * a copy can tell that nothing needs doing, never what to write. An add or update of a run not done yet
 * changes nothing (pipelinerun-creator marked the request Running right after creating the run, and
 * retries until it has; the resync sweep repairs what is lost), and neither does the deletion of a run
 * whose last state was done (its outcome was relayed from the update that finished it). A stale or
 * forged copy can then at most cost a read, or hold back a relay that the real event or the sweep makes.
 */
export function runEventMatters(change: 'add' | 'update' | 'delete', copy: PipelineRun): boolean {
  return change === 'delete' ? !isPipelineRunDone(copy) : isPipelineRunDone(copy);
}

const CONDITION = '/status/conditions/0';
const test = (path: string, value: unknown): JsonPatchOperation => ({ op: 'test', path, value });
/** `add` replaces a member that exists and creates one that does not (RFC 6902), so it works either way. */
const set = (path: string, value: unknown): JsonPatchOperation => ({ op: 'add', path, value });

/**
 * The final status `relayStatus` writes for a finished run, as a JSON patch to send without reading the
 * request first (ADR 0014). Its `test` ops make the API server check, in the same write, everything that
 * decision would have read: the request is the one the run was created for (uid, named in the run's
 * name), it records this run, and its condition is still Running (so not completed). The outcome and the
 * results come from `pr`, which must be the run as read from the API server, never an event's copy.
 * A refused test (422) means the request is not as expected: read it and decide with `relayStatus`.
 * Null when the run's name does not say its request's uid (a run made with generateName) or it is not done.
 *
 * `startTime` is left as it is: every Running condition comes with one (`markRunning` writes both).
 * Running → Failed keeps the condition's lastTransitionTime (the status stays False), as `relayStatus` does.
 */
export function relayStatusUnread(pr: PipelineRun, now: Date): JsonPatch | null {
  const uid = requestUidOfRun(pr);
  if (uid === undefined || !isPipelineRunDone(pr)) return null;
  const outcome = outcomeOf(pr, now);
  const condition = outcome.succeeded ? succeededCondition(undefined, now, outcome.resultsNote) : failedCondition(undefined, outcome.message, now);
  const results = Object.keys(outcome.results).length > 0 ? [set('/status/results', outcome.results)] : [];
  return {
    json: [
      test('/metadata/uid', uid),
      test('/status/pipelineRun', outcome.pipelineRun),
      test(`${CONDITION}/type`, SUCCEEDED),
      test(`${CONDITION}/status`, 'False'),
      test(`${CONDITION}/reason`, Reason.Running),
      set(`${CONDITION}/status`, condition.status),
      set(`${CONDITION}/reason`, condition.reason),
      set(`${CONDITION}/message`, condition.message),
      ...(condition.status === 'False' ? [] : [set(`${CONDITION}/lastTransitionTime`, condition.lastTransitionTime)]),
      set('/status/completionTime', kubeTime(outcome.completionTime)),
      ...results,
    ],
  };
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
