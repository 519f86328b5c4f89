import type { InternalRequestShell, MergePatch } from '../api/index.js';
import { findSucceededCondition, isCompleted, isRunning, rejectedCondition } from './conditions.js';
import { statusPatch } from './request-status.js';

/**
 * What admission does with a stored request that fails our schema (for example one a public cluster
 * with an older CRD let through). It can never run, and no retry can change that, so it is Rejected with
 * the failing fields, once, as any rejection: a completed or started request is left as it is, and a
 * request being deleted is let go (it was never given our finalizer).
 */
export type InvalidRequestDecision = { action: 'ignore'; why: string } | { action: 'reject'; message: string; patch: MergePatch };

export function decideInvalidRequest(shell: InternalRequestShell, problems: string, now: Date): InvalidRequestDecision {
  if (shell.metadata.deletionTimestamp !== undefined) return { action: 'ignore', why: 'being deleted' };
  if (isCompleted(shell)) return { action: 'ignore', why: 'already completed' };
  if (isRunning(shell)) return { action: 'ignore', why: 'already started' };
  const message = `the internal request does not match the InternalRequest schema: ${problems}`;
  const condition = rejectedCondition(findSucceededCondition(shell), message, now);
  return { action: 'reject', message, patch: statusPatch(shell, { conditions: [condition] }) };
}
