import type { InternalRequest } from '../api/index.js';
import { Reason, attemptDurationSeconds, attemptLabels } from '../core/index.js';
import type { AttemptLabels } from '../core/index.js';
import { OTHER_LABEL_VALUE } from './metrics.js';
import type { ServiceMetrics } from './service-metrics.js';

const REASONS: ReadonlySet<string> = new Set(Object.values(Reason));

/**
 * The attempt labels as series may carry them. Anyone may create a request in any namespace of the
 * public cluster and name any pipeline, so a rejection is counted without `namespace` and `request`
 * (the log line names them): a series per rejected namespace would let any tenant grow every
 * function's memory. Requests that ran come from allowed namespaces; their free-form values are
 * bounded all the same (see BoundedLabelValues).
 */
export function boundedAttemptLabels(labels: AttemptLabels, metrics: ServiceMetrics): AttemptLabels {
  const reason = REASONS.has(labels.reason) ? labels.reason : OTHER_LABEL_VALUE;
  if (reason === Reason.Rejected) return { request: '', namespace: '', reason, succeeded: labels.succeeded };
  return {
    request: metrics.requestNames.valueOf(labels.request),
    namespace: metrics.namespaces.valueOf(labels.namespace),
    reason,
    succeeded: labels.succeeded,
  };
}

/** A PipelineRun started for a request. */
export function recordAttemptStarted(metrics: ServiceMetrics): void {
  metrics.concurrentRequests.inc();
}

/** A running request was deleted and its PipelineRun cancelled: it will never be recorded as finished. */
export function recordAttemptCancelled(metrics: ServiceMetrics): void {
  metrics.concurrentRequests.dec();
}

/**
 * A request just completed (Succeeded, Failed or Rejected). A rejection never started, so it is counted
 * but neither timed nor taken off the concurrency gauge.
 */
export function recordAttemptFinished(metrics: ServiceMetrics, ir: InternalRequest): void {
  const labels = attemptLabels(ir);
  if (labels === undefined) return;
  const bounded = boundedAttemptLabels(labels, metrics);
  metrics.attemptTotal.inc({ ...bounded });
  const seconds = attemptDurationSeconds(ir);
  if (seconds === undefined) return;
  metrics.concurrentRequests.dec();
  metrics.attemptDuration.observe({ ...bounded }, seconds);
}
