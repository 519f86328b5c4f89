import type { FieldError, FieldErrorReason } from './types.js';

/**
 * Renders a bad value the way apimachinery's field.Error does: strings quoted, numbers and booleans
 * bare, null as `null`, anything else as JSON.
 */
export function renderValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
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
  return { field, reason: 'FieldValueTooLong', message: `Too long: may not be more than ${max} ${max === 1 ? 'byte' : 'bytes'}` };
}

/** maxItems and maxProperties failure. */
export function tooMany(field: string, actual: number, max: number): FieldError {
  return { field, reason: 'FieldValueTooMany', message: `Too many: ${actual}: must have at most ${max} ${max === 1 ? 'item' : 'items'}` };
}
