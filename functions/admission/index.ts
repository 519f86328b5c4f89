import { http } from '@google-cloud/functions-framework';
import { INTERNAL_REQUESTS, InternalRequestIdentitySchema } from '../../shared/api/index.js';
import { decideAdmission, decideInvalidRequest, preflight } from '../../shared/core/index.js';
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
  patchInternalRequest,
  patchInternalRequestStatus,
  patchInvalidRequestStatus,
  readCheckedInternalRequest,
  requestRef,
} from '../../shared/kube/index.js';
import type { CheckedRequest, ClusterPort } from '../../shared/kube/index.js';
import { recordAttemptFinished } from '../../shared/observability/index.js';

const NAME = 'admission';
// The event only has to say which request: it is re-read, and the stored object is what must match our schema.
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

/** An InternalRequest appeared or changed: hold it with our finalizer, then admit or reject it. */
async function admit(event: ReceivedOf<typeof consumes>, { remote, config, now }: FunctionContext): Promise<Outcome> {
  const read = await readCheckedInternalRequest(remote, event.data.metadata);
  if (read === undefined) return done('request is gone');
  if (!read.valid) return rejectInvalid(remote, read, now());
  const current = read.ir;
  const early = preflight(current);
  if (early?.action === 'reply-deleting') return reply(domainEvent(NAME, INTERNAL_REQUEST_DELETING, requestRef(current)), 'deleting');
  if (early?.action === 'ignore-completed') return done('already completed');
  if (early?.action === 'ignore-started') return done('already started');
  // A finalizer change does not bump the generation, so no event brings the request back: go on with it now.
  const ir = early?.action === 'add-finalizer' ? await patchInternalRequest(remote, current, early.patch) : current;
  const decision = decideAdmission(ir, await config.load(), now());
  if (decision.action === 'admit') return reply(domainEvent(NAME, INTERNAL_REQUEST_ADMITTED, requestRef(ir)), 'admitted');
  if (decision.action !== 'reject') return done(`${decision.action} after the finalizer`);
  recordAttemptFinished(await patchInternalRequestStatus(remote, ir, decision.patch));
  return done(`rejected by ${decision.check}`);
}

export const { descriptor, handler } = defineEventFunction({
  name: NAME,
  consumes,
  emits: [INTERNAL_REQUEST_ADMITTED, INTERNAL_REQUEST_DELETING],
  handle: admit,
});
http(NAME, handler);
