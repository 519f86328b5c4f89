import type { InternalRequest } from '../api/index.js';
import { attemptDurationSeconds, attemptLabels } from '../core/index.js';
import { attemptDuration, attemptTotal, concurrentRequests } from './service-metrics.js';

/** A PipelineRun started for a request. */
export function recordAttemptStarted(): void {
  concurrentRequests.inc();
}

/** A running request was deleted and its PipelineRun cancelled: it will never be recorded as finished. */
export function recordAttemptCancelled(): void {
  concurrentRequests.dec();
}

/**
 * A request just completed (Succeeded, Failed or Rejected). A rejection never started, so it is counted
 * but neither timed nor taken off the concurrency gauge.
 */
export function recordAttemptFinished(ir: InternalRequest): void {
  const labels = attemptLabels(ir);
  if (labels === undefined) return;
  attemptTotal.inc({ ...labels });
  const seconds = attemptDurationSeconds(ir);
  if (seconds === undefined) return;
  concurrentRequests.dec();
  attemptDuration.observe({ ...labels }, seconds);
}
