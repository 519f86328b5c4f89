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

/** The decisions that need no config: being deleted, already completed, finalizer missing, already started. */
export function preflight(ir: InternalRequest): AdmissionDecision | undefined {
  if (ir.metadata.deletionTimestamp !== undefined) return { action: 'reply-deleting' };
  if (isCompleted(ir)) return { action: 'ignore-completed' };
  const patch = addFinalizerPatch(ir);
  if (patch !== null) return { action: 'add-finalizer', patch };
  return isRunning(ir) ? { action: 'ignore-started' } : undefined;
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
