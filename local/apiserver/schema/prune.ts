import { childPath, indexPath } from './paths.js';
import { isObject, type JsonObject, type JSONSchemaProps } from './types.js';

export interface PruneResult {
  value: unknown;
  /** Sorted paths of the dropped fields, e.g. `spec.foo`, `spec.items[0].bar`. */
  unknownFields: string[];
}

/** Fields an embedded resource (and the resource root) carries that its schema never needs to list. */
const META_FIELDS = new Set(['apiVersion', 'kind', 'metadata']);

/**
 * Drops the fields a structural schema does not specify, as apiextensions-apiserver does on decode, and
 * reports their paths so the caller can honour fieldValidation=Strict|Warn. Root apiVersion, kind and
 * metadata are left to the caller. Non-nullable nulls without a default are dropped too (not reported),
 * as the real decoder does before defaulting. The input is not changed.
 */
export function prune(schema: JSONSchemaProps, obj: unknown): PruneResult {
  const unknownFields: string[] = [];
  const value = pruneValue({ ...schema, 'x-kubernetes-embedded-resource': true }, obj, '', unknownFields);
  return { value, unknownFields: unknownFields.sort() };
}

function pruneValue(schema: JSONSchemaProps, value: unknown, path: string, unknown: string[]): unknown {
  if (Array.isArray(value)) {
    const items = schema.items;
    if (items === undefined) return value;
    // Under preserve-unknown-fields only the listed properties of the items are walked.
    const walkItem = schema['x-kubernetes-preserve-unknown-fields'] === true ? { ...items, 'x-kubernetes-preserve-unknown-fields': true } : items;
    return value.map((item, i) => pruneValue(walkItem, item, indexPath(path, i), unknown));
  }
  return isObject(value) ? pruneObject(schema, value, path, unknown) : value;
}

function pruneObject(schema: JSONSchemaProps, value: JsonObject, path: string, unknown: string[]): JsonObject {
  const keepsUnknown = schema['x-kubernetes-preserve-unknown-fields'] === true || schema.additionalProperties === true;
  const embedded = schema['x-kubernetes-embedded-resource'] === true;
  const out: JsonObject = {};
  for (const [key, child] of Object.entries(value)) {
    const childSchema = schema.properties?.[key] ?? additionalSchema(schema);
    if (embedded && META_FIELDS.has(key)) out[key] = child;
    else if (childSchema !== undefined) {
      // A scalar has nothing to prune: only objects and arrays are walked (and need their path).
      if (!isDroppableNull(child, childSchema)) out[key] = typeof child === 'object' && child !== null ? pruneValue(childSchema, child, childPath(path, key), unknown) : child;
    } else if (keepsUnknown) out[key] = child;
    else unknown.push(childPath(path, key));
  }
  return out;
}

function additionalSchema(schema: JSONSchemaProps): JSONSchemaProps | undefined {
  return isObject(schema.additionalProperties) ? (schema.additionalProperties as JSONSchemaProps) : undefined;
}

function isDroppableNull(value: unknown, schema: JSONSchemaProps): boolean {
  return value === null && schema.nullable !== true && schema.default === undefined;
}
