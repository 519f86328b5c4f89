import { INTERNAL_REQUESTS, InternalRequestSchema } from '../api/index.js';
import type { InternalRequest, Patch } from '../api/index.js';
import { parseObject } from './parse-object.js';
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

export async function patchInternalRequest(remote: ClusterPort, ir: InternalRequest, patch: Patch): Promise<InternalRequest> {
  const { namespace, name } = ir.metadata;
  return parseObject(InternalRequestSchema, await remote.patch<unknown>(INTERNAL_REQUESTS, namespace, name, patch), what(ir.metadata));
}

/** Status goes through the /status subresource: the main endpoint ignores status changes. */
export async function patchInternalRequestStatus(remote: ClusterPort, ir: InternalRequest, patch: Patch): Promise<InternalRequest> {
  const { namespace, name } = ir.metadata;
  const updated = await remote.patchStatus<unknown>(INTERNAL_REQUESTS, namespace, name, patch);
  return parseObject(InternalRequestSchema, updated, what(ir.metadata));
}

/** The reference that domain events carry. */
export function requestRef(ir: InternalRequest): { namespace: string; name: string; uid: string } {
  return { namespace: ir.metadata.namespace, name: ir.metadata.name, uid: ir.metadata.uid };
}
