import type { InternalRequest, Param } from '../api/index.js';
import { findSucceededCondition, isCompleted } from './conditions.js';

/** Base name without extension, as Go's filepath.Base followed by trimming filepath.Ext. */
function baseNameWithoutExtension(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  const base = trimmed.slice(trimmed.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot === -1 ? base : base.slice(0, dot);
}

function pathInRepo(params: readonly Param[] | undefined): string | undefined {
  return params?.find((param) => param.name === 'pathInRepo')?.value;
}

/**
 * The `request` metric label: the pipeline's file name from the git resolver's `pathInRepo`. The
 * reference reads it from spec.pipeline.params only, where clients rarely put it; the resolver
 * parameters are read first so the label names the pipeline that actually ran.
 */
export function requestMetricName(ir: InternalRequest): string {
  const { pipelineRef, params } = ir.spec.pipeline;
  const path = pathInRepo(pipelineRef.params) ?? pathInRepo(params);
  return path === undefined ? '' : baseNameWithoutExtension(path);
}

export interface AttemptLabels {
  request: string;
  namespace: string;
  reason: string;
  succeeded: 'true' | 'false';
}

/** Labels of `internal_request_attempt_total` and `…_duration_seconds`; undefined until completed. */
export function attemptLabels(ir: InternalRequest): AttemptLabels | undefined {
  const condition = findSucceededCondition(ir);
  if (condition === undefined || !isCompleted(ir)) return undefined;
  return {
    request: requestMetricName(ir),
    namespace: ir.metadata.namespace,
    reason: condition.reason,
    succeeded: condition.status === 'True' ? 'true' : 'false',
  };
}

/** Seconds from startTime to completionTime, for the duration histogram; undefined when either is missing. */
export function attemptDurationSeconds(ir: InternalRequest): number | undefined {
  const start = Date.parse(ir.status?.startTime ?? '');
  const end = Date.parse(ir.status?.completionTime ?? '');
  return Number.isNaN(start) || Number.isNaN(end) ? undefined : (end - start) / 1000;
}
