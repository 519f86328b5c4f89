import type { FieldError, FieldErrorReason } from './types.js';

/**
 * Renders a bad value the way apimachinery 1.32's field.Error does: strings quoted, numbers and booleans
 * bare, null as `null`, objects and arrays in Go syntax (`%#v` of the decoded JSON).
 */
export function renderValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  return goSyntax(value);
}

function goSyntax(value: unknown): string {
  if (value === null || value === undefined) return 'interface {}(nil)';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[]interface {}{${value.map(goSyntax).join(', ')}}`;
  if (typeof value === 'object') {
    const entries = Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${goSyntax((value as Record<string, unknown>)[key])}`);
    return `map[string]interface {}{${entries.join(', ')}}`;
  }
  return String(value);
}

export function required(field: string): FieldError {
  return { field, reason: 'FieldValueRequired', message: 'Required value' };
}

export function invalid(field: string, value: unknown, detail: string, reason: FieldErrorReason = 'FieldValueInvalid'): FieldError {
  return { field, reason, message: `Invalid value: ${renderValue(value)}: ${detail}` };
}

/** Enum failure: allowed strings are quoted as they are, other allowed values as quoted JSON. */
export function notSupported(field: string, value: unknown, allowed: unknown[]): FieldError {
  const supported = allowed.map((v) => JSON.stringify(typeof v === 'string' ? v : JSON.stringify(v))).join(', ');
  return { field, reason: 'FieldValueNotSupported', message: `Unsupported value: ${renderValue(value)}: supported values: ${supported}` };
}

/** maxLength failure; the value itself is left out of the message, as on a real server. */
export function tooLong(field: string, max: number): FieldError {
  return { field, reason: 'FieldValueTooLong', message: `Too long: may not be more than ${max} bytes` };
}

/** maxItems and maxProperties failure. */
export function tooMany(field: string, actual: number, max: number): FieldError {
  return { field, reason: 'FieldValueTooMany', message: `Too many: ${actual}: must have at most ${max} items` };
}
