import { CONDITION_MESSAGE_MAX_LENGTH, kubeTime } from '../api/index.js';
import type { Condition, ConditionStatus, InternalRequest } from '../api/index.js';

/** The one condition type of a request; clients read it at index 0. */
export const SUCCEEDED = 'Succeeded';

export const Reason = {
  Running: 'Running',
  Succeeded: 'Succeeded',
  Failed: 'Failed',
  Rejected: 'Rejected',
} as const;
export type Reason = (typeof Reason)[keyof typeof Reason];

/** Anything with a request's conditions: a parsed request, or the shell of one our schema cannot read. */
export interface WithConditions {
  status?: { conditions?: Condition[] | undefined } | undefined;
}

export function findSucceededCondition(ir: WithConditions): Condition | undefined {
  return ir.status?.conditions?.find((condition) => condition.type === SUCCEEDED);
}

/** Completed = True, or False with any reason except Running. A completed request is never changed again. */
export function isCompleted(ir: WithConditions): boolean {
  const condition = findSucceededCondition(ir);
  if (condition === undefined) return false;
  return condition.status === 'True' || (condition.status === 'False' && condition.reason !== Reason.Running);
}

export function isRunning(ir: WithConditions): boolean {
  const condition = findSucceededCondition(ir);
  return condition !== undefined && condition.status !== 'True' && condition.reason === Reason.Running;
}

export function hasSucceeded(ir: InternalRequest): boolean {
  return findSucceededCondition(ir)?.status === 'True';
}

/**
 * Messages come from elsewhere (a PipelineRun's condition, the internal cluster's refusal) and have no
 * bound there; cut to the CRD's limit so the status write cannot be refused and leave the request as it was.
 */
function boundedMessage(message: string): string {
  return message.length <= CONDITION_MESSAGE_MAX_LENGTH ? message : `${message.slice(0, CONDITION_MESSAGE_MAX_LENGTH - 1)}…`;
}

/**
 * The next Succeeded condition. `lastTransitionTime` only moves when the status flips (the Kubernetes
 * convention), so Running → Failed, both False, keeps the time the request started running.
 */
function nextCondition(
  previous: Condition | undefined,
  status: ConditionStatus,
  reason: Reason,
  message: string,
  now: Date,
): Condition {
  const lastTransitionTime =
    previous !== undefined && previous.status === status ? previous.lastTransitionTime : kubeTime(now);
  return { type: SUCCEEDED, status, reason, message: boundedMessage(message), lastTransitionTime };
}

export function runningCondition(previous: Condition | undefined, now: Date): Condition {
  return nextCondition(previous, 'False', Reason.Running, '', now);
}

/** `note` is empty unless something about the success needs saying (results left out). */
export function succeededCondition(previous: Condition | undefined, now: Date, note = ''): Condition {
  return nextCondition(previous, 'True', Reason.Succeeded, note, now);
}

export function failedCondition(previous: Condition | undefined, message: string, now: Date): Condition {
  return nextCondition(previous, 'False', Reason.Failed, message, now);
}

export function rejectedCondition(previous: Condition | undefined, message: string, now: Date): Condition {
  return nextCondition(previous, 'False', Reason.Rejected, message, now);
}
