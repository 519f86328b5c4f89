import { http } from '@google-cloud/functions-framework';
import { INTERNAL_REQUESTS, InternalRequestIdentitySchema, InternalRequestSchema } from '../../shared/api/index.js';
import type { InternalRequest, MergePatch } from '../../shared/api/index.js';
import { decideAdmission, decideInvalidRequest, decideOnEventCopy, preflight } from '../../shared/core/index.js';
import type { EventCopyDecision } from '../../shared/core/index.js';
import {
  INTERNAL_REQUEST_ADMITTED,
  INTERNAL_REQUEST_DELETING,
  RESOURCE_ADD,
  RESOURCE_UPDATE,
  domainEvent,
} from '../../shared/events/index.js';
import { defineEventFunction, done, reply } from '../../shared/http/index.js';
import type { FunctionContext, Outcome } from '../../shared/http/index.js';
import type { ReceivedOf } from '../../shared/events/index.js';
import {
  ConflictError,
  patchInternalRequest,
  patchInternalRequestStatus,
  patchInvalidRequestStatus,
  readCheckedInternalRequest,
  requestRef,
} from '../../shared/kube/index.js';
import type { CheckedRequest, ClusterPort } from '../../shared/kube/index.js';
import { recordAttemptFinished } from '../../shared/observability/index.js';

const NAME = 'admission';
// The event only has to say which request: its copy of the rest is a first guess (see admit), and the
// stored object is what must match our schema.
const consumes = [
  { type: RESOURCE_ADD, kind: INTERNAL_REQUESTS.kind, data: InternalRequestIdentitySchema },
  { type: RESOURCE_UPDATE, kind: INTERNAL_REQUESTS.kind, data: InternalRequestIdentitySchema },
] as const;

/** A stored request our schema cannot read can never run: it is Rejected, naming the fields, not retried. */
async function rejectInvalid(remote: ClusterPort, read: Extract<CheckedRequest, { valid: false }>, now: Date): Promise<Outcome> {
  const decision = decideInvalidRequest(read.shell, read.problems, now);
  if (decision.action === 'ignore') return done(`invalid request ${decision.why}`);
  await patchInvalidRequestStatus(remote, read.shell, decision.patch);
  return done('rejected: does not match the schema');
}

/** The answers that need no judgement, whether decided on the event's copy or on what was read. */
function answerEarly(decision: EventCopyDecision | undefined, ir: InternalRequest): Outcome | undefined {
  if (decision?.action === 'reply-deleting') return reply(domainEvent(NAME, INTERNAL_REQUEST_DELETING, requestRef(ir)), 'deleting');
  if (decision?.action === 'ignore-completed') return done('already completed');
  if (decision?.action === 'ignore-started') return done('already started');
  return undefined;
}

/** Adds the finalizer to the event's copy under its resourceVersion: the server's answer, or undefined when the copy was stale (409). */
async function holdCopy(remote: ClusterPort, copy: InternalRequest, patch: MergePatch): Promise<InternalRequest | undefined> {
  try {
    return await patchInternalRequest(remote, copy, patch);
  } catch (err) {
    if (err instanceof ConflictError) return undefined;
    throw err;
  }
}

/** Admits or rejects a request held by our finalizer, as the API server returned it. */
async function judge(ir: InternalRequest, { remote, config, now, metrics }: FunctionContext): Promise<Outcome> {
  const decision = decideAdmission(ir, await config.load(), now());
  if (decision.action === 'admit') return reply(domainEvent(NAME, INTERNAL_REQUEST_ADMITTED, requestRef(ir)), 'admitted');
  if (decision.action !== 'reject') return done(`${decision.action} after the finalizer`);
  recordAttemptFinished(metrics, await patchInternalRequestStatus(remote, ir, decision.patch));
  return done(`rejected by ${decision.check}`);
}

/** The request as the API server has it now: held with our finalizer if it was not yet, then judged. */
async function admitAsRead(event: ReceivedOf<typeof consumes>, context: FunctionContext): Promise<Outcome> {
  const { remote, now } = context;
  const read = await readCheckedInternalRequest(remote, event.data.metadata);
  if (read === undefined) return done('request is gone');
  if (!read.valid) return rejectInvalid(remote, read, now());
  const early = preflight(read.ir);
  const answer = answerEarly(early, read.ir);
  if (answer !== undefined) return answer;
  // A finalizer change does not bump the generation, so no event brings the request back: go on with it now.
  return judge(early?.action === 'add-finalizer' ? await patchInternalRequest(remote, read.ir, early.patch) : read.ir, context);
}

/**
 * An InternalRequest appeared or changed: hold it with our finalizer, then admit or reject it. The event's
 * copy is the first guess (principle 1): it answers what never changes back and takes the finalizer under
 * its resourceVersion, so a new request costs one write; a copy that is stale, unreadable or already held
 * costs a read, and the judgement is always made on what the API server returned.
 */
async function admit(event: ReceivedOf<typeof consumes>, context: FunctionContext): Promise<Outcome> {
  const copy = InternalRequestSchema.safeParse(event.data);
  if (!copy.success) return admitAsRead(event, context);
  const onCopy = decideOnEventCopy(copy.data);
  const answer = answerEarly(onCopy, copy.data);
  if (answer !== undefined) return answer;
  const held = onCopy.action === 'add-finalizer' ? await holdCopy(context.remote, copy.data, onCopy.patch) : undefined;
  return held === undefined ? admitAsRead(event, context) : judge(held, context);
}

export const { descriptor, handler, invoke } = defineEventFunction({
  name: NAME,
  consumes,
  emits: [INTERNAL_REQUEST_ADMITTED, INTERNAL_REQUEST_DELETING],
  handle: admit,
});
http(NAME, handler);
