import { INTERNAL_REQUESTS, InternalRequestSchema, InternalRequestShellSchema } from '../api/index.js';
import type { InternalRequest, InternalRequestShell, Patch } from '../api/index.js';
import { describeIssues, parseObject } from './parse-object.js';
import type { ClusterPort } from './port.js';

export interface RequestRef {
  namespace: string;
  name: string;
  /** When given, an object of that name with another uid (deleted and created again) counts as gone. */
  uid?: string;
}

const what = (ref: { namespace: string; name: string }): string => `InternalRequest ${ref.namespace}/${ref.name}`;

/** The request as it is now on the remote cluster; undefined when it no longer exists. */
export async function readInternalRequest(remote: ClusterPort, ref: RequestRef): Promise<InternalRequest | undefined> {
  const object = await remote.get<unknown>(INTERNAL_REQUESTS, ref.namespace, ref.name);
  if (object === undefined) return undefined;
  const ir = parseObject(InternalRequestSchema, object, what(ref));
  return ref.uid === undefined || ir.metadata.uid === ref.uid ? ir : undefined;
}

/** A stored request as our schema reads it, or, when it cannot, who it is and which fields fail. */
export type CheckedRequest = { valid: true; ir: InternalRequest } | { valid: false; shell: InternalRequestShell; problems: string };

/**
 * Like readInternalRequest, but a request that fails our schema is returned as a shell with the problems
 * instead of failing the call, so admission can reject it rather than retry an event no retry can mend.
 */
export async function readCheckedInternalRequest(remote: ClusterPort, ref: RequestRef): Promise<CheckedRequest | undefined> {
  const object = await remote.get<unknown>(INTERNAL_REQUESTS, ref.namespace, ref.name);
  if (object === undefined) return undefined;
  const parsed = InternalRequestSchema.safeParse(object);
  const checked: CheckedRequest = parsed.success
    ? { valid: true, ir: parsed.data }
    : { valid: false, shell: parseObject(InternalRequestShellSchema, object, what(ref)), problems: describeIssues(parsed.error) };
  const uid = checked.valid ? checked.ir.metadata.uid : checked.shell.metadata.uid;
  return ref.uid === undefined || uid === ref.uid ? checked : undefined;
}

/** The status write for a request our schema cannot read; the answer is read as a shell only. */
export async function patchInvalidRequestStatus(remote: ClusterPort, shell: InternalRequestShell, patch: Patch): Promise<InternalRequestShell> {
  const { namespace, name } = shell.metadata;
  return parseObject(InternalRequestShellSchema, await remote.patchStatus<unknown>(INTERNAL_REQUESTS, namespace, name, patch), what(shell.metadata));
}

export async function patchInternalRequest(remote: ClusterPort, ir: InternalRequest, patch: Patch): Promise<InternalRequest> {
  const { namespace, name } = ir.metadata;
  return parseObject(InternalRequestSchema, await remote.patch<unknown>(INTERNAL_REQUESTS, namespace, name, patch), what(ir.metadata));
}

/** Status goes through the /status subresource: the main endpoint ignores status changes. */
export async function patchInternalRequestStatus(remote: ClusterPort, ir: { metadata: { namespace: string; name: string } }, patch: Patch): Promise<InternalRequest> {
  const { namespace, name } = ir.metadata;
  const updated = await remote.patchStatus<unknown>(INTERNAL_REQUESTS, namespace, name, patch);
  return parseObject(InternalRequestSchema, updated, what(ir.metadata));
}

/** The reference that domain events carry. */
export function requestRef(ir: InternalRequest): { namespace: string; name: string; uid: string } {
  return { namespace: ir.metadata.namespace, name: ir.metadata.name, uid: ir.metadata.uid };
}
