/**
 * The write path every create, update and patch takes, in a real server's order:
 * decode → prune → default → strategy → validate. Field validation (Strict/Warn/Ignore) decides what
 * happens to the unknown fields pruning found.
 */
import { applyDefaults, prune, validate } from './schema/index.js';
import { strategyFor } from './kind-strategies.js';
import { isPlainObject, jsonEqual } from './kube-object.js';
import { validateFinalizersWhileDeleting, validateMeta, validateUid } from './meta-validation.js';
import { cutToObjectMeta, metaForCreate, metaForUpdate } from './object-meta.js';
import { apiVersionOf } from './resource-def.js';
import { checkTypeMeta } from './type-meta.js';
import { ApiError, badRequest, invalid } from './status-errors.js';
import type { JSONSchemaProps } from './schema/index.js';
import type { KubeObject, ObjectMeta } from './kube-object.js';
import type { ResourceDef } from './resource-def.js';
import type { StatusCause } from './status-errors.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface AdmitInput {
  def: ResourceDef;
  body: unknown;
  /** Present for updates and patches. */
  stored?: KubeObject;
  subresource?: string;
  fieldValidation: FieldValidation;
  verb: 'create' | 'update' | 'patch';
  now: Date;
}

export interface Admitted { object: KubeObject; warnings: string[] }

export function parseFieldValidation(value: string | null): FieldValidation {
  if (value === null || value === '' || value === 'Warn') return 'Warn';
  if (value === 'Strict' || value === 'Ignore') return value;
  throw new ApiError(422, 'Invalid', `fieldValidation: Unsupported value: ${JSON.stringify(value)}: supported values: "Ignore", "Strict", "Warn"`);
}

/** Patches start from the stored object, so only whole bodies (create, update) are checked for apiVersion and kind. */
function decode(def: ResourceDef, body: unknown, verb: AdmitInput['verb'], unknown: string[]): KubeObject {
  if (!isPlainObject(body)) throw badRequest(`${def.kind} in version "${def.version}" cannot be handled as a ${def.kind}: the body is not a JSON object`);
  const metadata = isPlainObject(body.metadata) ? (body.metadata as ObjectMeta) : {};
  if (verb !== 'patch') checkTypeMeta(def, body, typeof metadata.name === 'string' ? metadata.name : '');
  const cut = cutToObjectMeta(metadata);
  unknown.push(...cut.unknown);
  const { apiVersion: _apiVersion, kind: _kind, metadata: _metadata, ...rest } = body;
  return { apiVersion: apiVersionOf({ group: def.group, version: def.storageVersion }), kind: def.kind, metadata: cut.meta, ...rest };
}

function pruneAndDefault(schema: JSONSchemaProps, object: KubeObject, unknown: string[]): KubeObject {
  const pruned = prune(schema, object);
  unknown.push(...pruned.unknownFields);
  return applyDefaults(schema, pruned.value) as KubeObject;
}

function checkUnknownFields(input: AdmitInput, unknown: string[], name: string): string[] {
  if (unknown.length === 0 || input.fieldValidation === 'Ignore') return [];
  const texts = unknown.map((path) => `unknown field ${JSON.stringify(path)}`);
  if (input.fieldValidation === 'Warn') return texts;
  const { def } = input;
  if (input.verb === 'patch') {
    throw invalid(def, name, [{ reason: 'FieldValueInvalid', field: 'patch', message: `Invalid value: "…": strict decoding error: ${texts.join(', ')}` }]);
  }
  throw badRequest(`${def.kind} in version "${def.version}" cannot be handled as a ${def.kind}: strict decoding error: ${texts.join(', ')}`);
}

/** Everything outside metadata (and status, when status has its own endpoint) counts as spec. */
function specOf(object: KubeObject, def: ResourceDef): Record<string, unknown> {
  const { metadata: _metadata, status, ...rest } = object;
  return def.statusSubresource ? rest : { ...rest, status };
}

function prepareCreate(def: ResourceDef, object: KubeObject, now: Date): KubeObject {
  const prepared: KubeObject = { ...object, metadata: metaForCreate(object.metadata, now) };
  if (def.statusSubresource) delete prepared.status;
  return prepared;
}

function prepareUpdate(def: ResourceDef, object: KubeObject, stored: KubeObject, subresource?: string): KubeObject {
  if (subresource === 'status') {
    const next: KubeObject = { ...stored, metadata: { ...stored.metadata } };
    if (object.status === undefined) delete next.status;
    else next.status = object.status;
    return next;
  }
  const next: KubeObject = { ...object, metadata: metaForUpdate(object.metadata, stored.metadata) };
  if (def.statusSubresource) {
    if (stored.status === undefined) delete next.status;
    else next.status = stored.status;
  }
  if (!jsonEqual(specOf(next, def), specOf(stored, def))) next.metadata.generation = (stored.metadata.generation ?? 0) + 1;
  return next;
}

export function admit(input: AdmitInput): Admitted {
  const { def, stored, now } = input;
  const unknown: string[] = [];
  let object = decode(def, input.body, input.verb, unknown);
  if (def.schema) object = pruneAndDefault(def.schema as JSONSchemaProps, object, unknown);
  const name = object.metadata.name ?? stored?.metadata.name ?? '';
  const warnings = checkUnknownFields(input, unknown, name);
  const sent = object.metadata;
  object = stored ? prepareUpdate(def, object, stored, input.subresource) : prepareCreate(def, object, now);
  const strategy = strategyFor(def.strategy);
  strategy.prepare(object, stored, now);
  if (!strategy.hasGeneration) delete object.metadata.generation;
  const causes: StatusCause[] = [
    ...validateMeta(object.metadata, def.strategy === 'namespace' ? 'label' : 'subdomain'),
    ...(stored && input.subresource !== 'status' ? validateUid(sent, stored.metadata) : []),
    ...(stored ? validateFinalizersWhileDeleting(object.metadata, stored.metadata) : []),
    ...strategy.validate(object),
    ...(def.schema ? validate(def.schema as JSONSchemaProps, object) : []),
  ];
  if (causes.length > 0) throw invalid(def, name, causes);
  return { object, warnings };
}
