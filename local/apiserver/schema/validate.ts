import { childPath, indexPath } from './paths.js';
import { invalid, notSupported, required, tooLong, tooMany } from './error-body.js';
import { jsonTypeOf, typeMatches } from './json-type.js';
import { checkFormat } from './formats.js';
import { matchesPattern } from './pattern.js';
import { isObject, type FieldError, type JsonObject, type JSONSchemaProps } from './types.js';

/**
 * Validates a (pruned, defaulted) object against a structural schema and returns the field errors with
 * the reasons and messages kube-apiserver puts in a 422 Invalid status. Like kube-openapi, every check
 * that applies to a value's JSON kind runs; a type mismatch does not hide an enum failure.
 */
export function validate(schema: JSONSchemaProps, obj: unknown): FieldError[] {
  const errors: FieldError[] = [];
  validateNode(schema, obj, '', errors);
  return errors;
}

function validateNode(schema: JSONSchemaProps, value: unknown, path: string, errors: FieldError[]): void {
  checkType(schema, value, path, errors);
  if (typeof value === 'string') validateString(schema, value, path, errors);
  else if (typeof value === 'number') validateNumber(schema, value, path, errors);
  else if (Array.isArray(value)) validateArray(schema, value, path, errors);
  if (schema.enum !== undefined && schema.enum.length > 0 && !inEnum(schema.enum, value)) {
    errors.push(notSupported(path, value, schema.enum));
  }
  if (isObject(value)) validateObject(schema, value, path, errors);
}

function inBody(path: string): string {
  return `${path} in body`;
}

function typeError(path: string, expected: string, actual: string): FieldError {
  return invalid(path, actual, `${inBody(path)} must be of type ${expected}: ${JSON.stringify(actual)}`, 'FieldValueTypeInvalid');
}

function expectedTypes(schema: JSONSchemaProps): string[] {
  if (schema['x-kubernetes-int-or-string'] === true) return ['integer', 'string'];
  return schema.type === undefined || schema.type === '' ? [] : [schema.type];
}

function checkType(schema: JSONSchemaProps, value: unknown, path: string, errors: FieldError[]): void {
  const expected = expectedTypes(schema);
  if (expected.length === 0) return;
  const actual = jsonTypeOf(value);
  if (actual === 'null' ? schema.nullable === true : expected.some((type) => typeMatches(type, actual))) return;
  errors.push(typeError(path, expected.join(','), actual));
}

/** As in kube-openapi, the first failing string check is the only one reported. */
function validateString(schema: JSONSchemaProps, value: string, path: string, errors: FieldError[]): void {
  if (schema.maxLength !== undefined && characters(value) > schema.maxLength) errors.push(tooLong(path, schema.maxLength));
  else if (schema.minLength !== undefined && characters(value) < schema.minLength) {
    errors.push(invalid(path, value, `${inBody(path)} should be at least ${schema.minLength} chars long`));
  } else if (schema.pattern !== undefined && !matchesPattern(schema.pattern, value)) {
    errors.push(invalid(path, value, `${inBody(path)} should match '${schema.pattern}'`));
  }
  if (schema.format !== undefined && !checkFormat(schema.format, value)) {
    errors.push(invalid(path, value, `${inBody(path)} must be of type ${schema.format}: ${JSON.stringify(value)}`, 'FieldValueTypeInvalid'));
  }
}

/** Lengths count characters (code points), not UTF-16 units, as kube-openapi does. */
function characters(value: string): number {
  let count = 0;
  for (const _ of value) count++;
  return count;
}

function validateNumber(schema: JSONSchemaProps, value: number, path: string, errors: FieldError[]): void {
  const { minimum, maximum, multipleOf } = schema;
  if (multipleOf !== undefined && multipleOf > 0 && !Number.isInteger(value / multipleOf)) {
    errors.push(invalid(path, value, `${inBody(path)} should be a multiple of ${multipleOf}`));
  }
  if (maximum !== undefined && (schema.exclusiveMaximum === true ? value >= maximum : value > maximum)) {
    const words = schema.exclusiveMaximum === true ? 'less than' : 'less than or equal to';
    errors.push(invalid(path, value, `${inBody(path)} should be ${words} ${maximum}`));
  }
  if (minimum !== undefined && (schema.exclusiveMinimum === true ? value <= minimum : value < minimum)) {
    const words = schema.exclusiveMinimum === true ? 'greater than' : 'greater than or equal to';
    errors.push(invalid(path, value, `${inBody(path)} should be ${words} ${minimum}`));
  }
}

function validateArray(schema: JSONSchemaProps, value: unknown[], path: string, errors: FieldError[]): void {
  const items = schema.items;
  if (items !== undefined) value.forEach((item, i) => validateNode(items, item, indexPath(path, i), errors));
  if (schema.minItems !== undefined && value.length < schema.minItems) {
    errors.push(invalid(path, value.length, `${inBody(path)} should have at least ${schema.minItems} items`));
  }
  if (schema.maxItems !== undefined && value.length > schema.maxItems) errors.push(tooMany(path, value.length, schema.maxItems));
}

function validateObject(schema: JSONSchemaProps, value: JsonObject, path: string, errors: FieldError[]): void {
  const count = Object.keys(value).length;
  if (schema.minProperties !== undefined && count < schema.minProperties) {
    errors.push(invalid(path, count, `${inBody(path)} should have at least ${schema.minProperties} properties`));
  }
  if (schema.maxProperties !== undefined && count > schema.maxProperties) errors.push(tooMany(path, count, schema.maxProperties));
  const additional = isObject(schema.additionalProperties) ? (schema.additionalProperties as JSONSchemaProps) : undefined;
  for (const [key, child] of Object.entries(value)) {
    const known = schema.properties?.[key] ?? additional;
    if (known !== undefined) validateNode(known, child, childPath(path, key), errors);
  }
  for (const name of schema.required ?? []) {
    if (!(name in value)) errors.push(required(childPath(path, name)));
  }
}

/** kube-openapi never matches null against an enum, even a nullable one that lists null. */
function inEnum(allowed: unknown[], value: unknown): boolean {
  return value !== null && value !== undefined && allowed.some((candidate) => deepEqual(candidate, value));
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.keys(value).sort().map((key) => [key, canonical(value[key])]));
}
