import { http } from '@google-cloud/functions-framework';
import { INTERNAL_REQUESTS, InternalRequestSchema } from '../../shared/api/index.js';
import { decideAdmission, preflight } from '../../shared/core/index.js';
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
  readInternalRequest,
  requestRef,
} from '../../shared/kube/index.js';
import { recordAttemptFinished } from '../../shared/observability/index.js';

const NAME = 'admission';
const consumes = [
  { type: RESOURCE_ADD, kind: INTERNAL_REQUESTS.kind, data: InternalRequestSchema },
  { type: RESOURCE_UPDATE, kind: INTERNAL_REQUESTS.kind, data: InternalRequestSchema },
] as const;

/** An InternalRequest appeared or changed: hold it with our finalizer, then admit or reject it. */
async function admit(event: ReceivedOf<typeof consumes>, { remote, config, now }: FunctionContext): Promise<Outcome> {
  const current = await readInternalRequest(remote, event.data.metadata);
  if (current === undefined) return done('request is gone');
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
