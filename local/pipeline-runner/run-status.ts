import type { PipelineOutcome } from './pipeline-executor.js';
import type { PipelineRunObject } from './tekton-types.js';

/** `spec.status` values that ask Tekton to stop a run (the runner has no finally-only mode). */
const STOP_REQUESTS = new Set(['Cancelled', 'CancelledRunFinally', 'StoppedRunFinally']);

export type StopReason = 'Cancelled' | 'PipelineRunTimeout';

export interface RunStatusPatch {
  status: Record<string, unknown>;
}

export function stopRequested(run: PipelineRunObject): boolean {
  return STOP_REQUESTS.has(specStatus(run) ?? '');
}

export function isPending(run: PipelineRunObject): boolean {
  return specStatus(run) === 'PipelineRunPending';
}

function specStatus(run: PipelineRunObject): string | undefined {
  return (run.spec as { status?: string } | undefined)?.status;
}

function condition(status: 'Unknown' | 'True' | 'False', reason: string, message: string, now: string): object {
  return { type: 'Succeeded', status, reason, message, lastTransitionTime: now };
}

export function runningStatus(startTime: string, now: string): RunStatusPatch {
  return { status: { startTime, conditions: [condition('Unknown', 'Running', 'Tasks Completed: 0 (Failed: 0, Cancelled 0), Skipped: 0', now)] } };
}

/** The final status after the tasks ran (or could not run). */
export function outcomeStatus(run: PipelineRunObject, outcome: PipelineOutcome, startTime: string, now: string): RunStatusPatch {
  return {
    status: {
      startTime,
      completionTime: now,
      conditions: [condition(outcome.succeeded ? 'True' : 'False', outcome.reason, outcome.message, now)],
      results: outcome.results,
      childReferences: outcome.ranTasks.map((task) => ({
        apiVersion: 'tekton.dev/v1',
        kind: 'TaskRun',
        name: `${run.metadata.name}-${task}`,
        pipelineTaskName: task,
      })),
    },
  };
}

/** A run that failed before any task ran: unresolvable pipeline, invalid spec or timeout value. */
export function failedStatus(reason: string, message: string, startTime: string, now: string): RunStatusPatch {
  return { status: { startTime, completionTime: now, conditions: [condition('False', reason, message, now)] } };
}

/** The status of a run stopped by cancellation or its pipeline timeout. */
export function stoppedStatus(run: PipelineRunObject, why: StopReason, timeout: string, startTime: string, now: string): RunStatusPatch {
  const message =
    why === 'Cancelled'
      ? `PipelineRun "${run.metadata.name}" was cancelled`
      : `PipelineRun "${run.metadata.name}" failed to finish within "${timeout}"`;
  return failedStatus(why, message, startTime, now);
}
