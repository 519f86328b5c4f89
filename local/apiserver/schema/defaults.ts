import { isObject, type JsonObject, type JSONSchemaProps } from './types.js';

const withDefaults = new WeakMap<JSONSchemaProps, boolean>();

/** Whether a `default` is set anywhere under `schema`, where defaulting can reach (properties, items, additionalProperties). */
function hasDefaults(schema: JSONSchemaProps): boolean {
  let found = withDefaults.get(schema);
  if (found === undefined) {
    const additional = isObject(schema.additionalProperties) ? (schema.additionalProperties as JSONSchemaProps) : undefined;
    found = schema.default !== undefined
      || Object.values(schema.properties ?? {}).some(hasDefaults)
      || (schema.items !== undefined && hasDefaults(schema.items))
      || (additional !== undefined && hasDefaults(additional));
    withDefaults.set(schema, found);
  }
  return found;
}

/**
 * Applies schema `default`s top-down, as apiextensions-apiserver does after pruning: a missing property,
 * or a null one that is not nullable, gets a copy of its default, then the walk continues into every
 * property, so defaults nested in a defaulted object apply too. Defaults only fill objects that exist:
 * properties, array items and additionalProperties values. The input is not changed: what defaults fill
 * is copied, and a part whose schema holds no default anywhere comes back as it was given.
 */
export function applyDefaults(schema: JSONSchemaProps, obj: unknown): unknown {
  if (!hasDefaults(schema)) return obj;
  if (Array.isArray(obj)) {
    const items = schema.items;
    return items === undefined ? obj : obj.map((item) => applyDefaults(items, fillNull(items, item)));
  }
  return isObject(obj) ? defaultObject(schema, obj) : obj;
}

function defaultObject(schema: JSONSchemaProps, obj: JsonObject): JsonObject {
  const out: JsonObject = { ...obj };
  for (const [key, propSchema] of Object.entries(schema.properties ?? {})) {
    if (propSchema.default !== undefined && (!(key in out) || isNonNullableNull(out[key], propSchema))) {
      out[key] = structuredClone(propSchema.default);
    }
  }
  const additional = isObject(schema.additionalProperties) ? (schema.additionalProperties as JSONSchemaProps) : undefined;
  for (const [key, value] of Object.entries(out)) {
    const known = schema.properties?.[key];
    if (known !== undefined) out[key] = applyDefaults(known, value);
    else if (additional !== undefined) out[key] = applyDefaults(additional, fillNull(additional, value));
  }
  return out;
}

function fillNull(schema: JSONSchemaProps, value: unknown): unknown {
  return isNonNullableNull(value, schema) && schema.default !== undefined ? structuredClone(schema.default) : value;
}

function isNonNullableNull(value: unknown, schema: JSONSchemaProps): boolean {
  return value === null && schema.nullable !== true;
}
