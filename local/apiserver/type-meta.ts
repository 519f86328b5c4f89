/**
 * What a custom resource body must say about itself, checked as a real server decodes it: without
 * `kind` it cannot be decoded (400); an apiVersion of another group or of an unserved version is
 * refused (400); another kind fails validation (422). Built-in kinds take both from the URL, as typed
 * decoding does, so `{"metadata":{"name":"x"}}` still creates a Namespace.
 */
import { apiVersionOf } from './resource-def.js';
import { badRequest, invalid } from './status-errors.js';
import type { ResourceDef } from './resource-def.js';

function missingKind(def: ResourceDef, body: object): Error {
  const text = JSON.stringify(body);
  const summary = text.length > 30 ? `${text.slice(0, 30)} ...` : text;
  return badRequest(`the object provided is unrecognized (must be of type ${def.kind}): Object 'Kind' is missing in '${text}' (${summary})`);
}

function acceptsVersion(def: ResourceDef, apiVersion: unknown): boolean {
  if (typeof apiVersion !== 'string') return false;
  const slash = apiVersion.indexOf('/');
  const [group, version] = slash < 0 ? ['', apiVersion] : [apiVersion.slice(0, slash), apiVersion.slice(slash + 1)];
  return group === def.group && (def.servedVersions ?? [def.version]).includes(version);
}

export function checkTypeMeta(def: ResourceDef, body: Record<string, unknown>, name: string): void {
  if (def.strategy !== 'custom') return;
  const { apiVersion, kind } = body;
  if (typeof kind !== 'string' || kind === '') throw missingKind(def, body);
  if (!acceptsVersion(def, apiVersion)) {
    throw badRequest(`the API version in the data (${typeof apiVersion === 'string' ? apiVersion : ''}) does not match the expected API version (${apiVersionOf(def)})`);
  }
  if (kind !== def.kind) {
    // Named by the kind the body claims, as kube-apiserver names it.
    throw invalid({ ...def, kind }, name, [{ reason: 'FieldValueInvalid', field: 'kind', message: `Invalid value: ${JSON.stringify(kind)}: must be ${def.kind}` }]);
  }
}
