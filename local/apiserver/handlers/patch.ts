/**
 * PATCH with an explicit patch type: merge and JSON patch for every resource, strategic merge only for
 * built-in kinds (a CR answers 415, as on a real server), and apply patches (YAML) treated as a merge
 * that may create the object.
 */
import { parse as parseYaml } from 'yaml';
import { namespaceOf } from '../core.js';
import { isPlainObject } from '../kube-object.js';
import { parseJson } from '../http-io.js';
import { jsonPatch, mergePatch } from '../patches.js';
import { ApiError, badRequest, conflict, unsupportedMediaType } from '../status-errors.js';
import { mediaType } from './body.js';
import { handleCreate } from './create.js';
import { storedOrNotFound } from './read.js';
import { applyUpdate } from './update.js';
import { storageKey } from '../resource-def.js';
import type { Call } from '../core.js';
import type { Reply } from '../http-io.js';

const JSON_PATCH = 'application/json-patch+json';
const MERGE_PATCH = 'application/merge-patch+json';
const STRATEGIC = 'application/strategic-merge-patch+json';
const APPLY = 'application/apply-patch+yaml';

function acceptedTypes(call: Call): string[] {
  return call.def.strategy === 'custom' ? [JSON_PATCH, MERGE_PATCH, APPLY] : [JSON_PATCH, MERGE_PATCH, STRATEGIC, APPLY];
}

/** What kube-apiserver's PatchOptions validation says of an apply without a fieldManager. */
function fieldManagerRequired(): ApiError {
  const cause = { reason: 'FieldValueRequired', message: 'Required value: is required for apply patch', field: 'fieldManager' };
  return new ApiError(422, 'Invalid', `PatchOptions.meta.k8s.io "" is invalid: fieldManager: ${cause.message}`, { group: 'meta.k8s.io', kind: 'PatchOptions', causes: [cause] });
}

function parseApply(call: Call): unknown {
  if (!call.query.get('fieldManager')) throw fieldManagerRequired();
  try {
    return parseYaml(call.body.toString('utf8')) as unknown;
  } catch (e) {
    throw badRequest(`error decoding YAML: ${(e as Error).message}`);
  }
}

/** A server-side apply of an object that does not exist yet creates it. */
function applyCreates(call: Call, type: string): boolean {
  return type === APPLY && !call.core.store.get(storageKey(call.def), namespaceOf(call), call.info.name ?? '') && !call.info.subresource;
}

export function handlePatch(call: Call): Reply {
  const type = mediaType(call);
  if (!acceptedTypes(call).includes(type)) throw unsupportedMediaType(acceptedTypes(call));
  const patch = type === APPLY ? parseApply(call) : parseJson(call.body);
  if (applyCreates(call, type)) {
    return handleCreate({ ...call, body: Buffer.from(JSON.stringify(patch)), headers: { ...call.headers, 'content-type': 'application/json' } });
  }
  const stored = storedOrNotFound(call);
  const patched = type === JSON_PATCH ? jsonPatch(stored, patch) : mergePatch(stored, patch);
  const rv = isPlainObject(patched) && isPlainObject(patched.metadata) ? patched.metadata.resourceVersion : undefined;
  if (rv !== undefined && rv !== stored.metadata.resourceVersion) throw conflict(call.def, call.info.name ?? '');
  return applyUpdate(call, patched, stored, 'patch');
}
