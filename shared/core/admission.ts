import type { InternalRequest, InternalServicesConfigSpec, MergePatch } from '../api/index.js';
import { ADMISSION_CHECKS } from './admission-checks.js';
import type { AdmissionCheck } from './admission-checks.js';
import { findSucceededCondition, isCompleted, isRunning, rejectedCondition } from './conditions.js';
import { addFinalizerPatch } from './finalizer.js';
import { statusPatch } from './request-status.js';

/**
 * What the admission function does with a request. After `add-finalizer` the caller applies the patch
 * and decides again on the object the server returned: a finalizer change does not bump the generation,
 * so no new event would bring the request back. A request already Running was admitted once and has its
 * run: judging it again against a config or spec changed since would strand that run.
 */
export type AdmissionDecision =
  | { action: 'reply-deleting' }
  | { action: 'ignore-completed' }
  | { action: 'ignore-started' }
  | { action: 'add-finalizer'; patch: MergePatch }
  | { action: 'reject'; check: string; message: string; patch: MergePatch }
  | { action: 'admit' };

export interface Rejection {
  check: string;
  message: string;
}

/** The first check that rejects the request wins; undefined when every check passes. */
export function findRejection(
  ir: InternalRequest,
  config: InternalServicesConfigSpec,
  checks: readonly AdmissionCheck[] = ADMISSION_CHECKS,
): Rejection | undefined {
  for (const check of checks) {
    const message = check.reject(ir, config);
    if (message !== undefined) return { check: check.name, message };
  }
  return undefined;
}

/** The decisions that need no config. */
export type PreflightDecision = Extract<AdmissionDecision, { action: 'reply-deleting' | 'ignore-completed' | 'ignore-started' | 'add-finalizer' }>;

/** The decisions that need no config: being deleted, already completed, finalizer missing, already started. */
export function preflight(ir: InternalRequest): PreflightDecision | undefined {
  if (ir.metadata.deletionTimestamp !== undefined) return { action: 'reply-deleting' };
  if (isCompleted(ir)) return { action: 'ignore-completed' };
  const patch = addFinalizerPatch(ir);
  if (patch !== null) return { action: 'add-finalizer', patch };
  return isRunning(ir) ? { action: 'ignore-started' } : undefined;
}

/** What the event's copy of a request may decide: the preflight decisions, or `read` when only a judgement is left. */
export type EventCopyDecision = PreflightDecision | { action: 'read' };

/**
 * What admission may do with the event's copy of a request before reading it (principle 1). What never
 * changes back is answered from the copy: a deletion begun (cleanup re-reads), a completed request, a
 * request already started. The finalizer, a holding write, goes onto the copy under its
 * resourceVersion, so the server refuses it (409) unless the copy is current; the server's answer is
 * then what admission judges. Whether to admit or reject is never judged on a copy: `read`.
 */
export function decideOnEventCopy(copy: InternalRequest): EventCopyDecision {
  return preflight(copy) ?? { action: 'read' };
}

export function decideAdmission(
  ir: InternalRequest,
  config: InternalServicesConfigSpec,
  now: Date,
): AdmissionDecision {
  const early = preflight(ir);
  if (early !== undefined) return early;
  const rejection = findRejection(ir, config);
  if (rejection === undefined) return { action: 'admit' };
  const condition = rejectedCondition(findSucceededCondition(ir), rejection.message, now);
  return { action: 'reject', ...rejection, patch: statusPatch(ir, { conditions: [condition] }) };
}
