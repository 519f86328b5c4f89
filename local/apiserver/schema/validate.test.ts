import { describe, expect, it } from '@jest/globals';
import { validate } from './validate.js';
import type { JSONSchemaProps } from './types.js';

const spec = (properties: Record<string, JSONSchemaProps>, extra: JSONSchemaProps = {}): JSONSchemaProps => ({
  type: 'object',
  properties: { spec: { type: 'object', properties, ...extra } },
});

describe('validate', () => {
  it.each<[string, JSONSchemaProps, unknown, object[]]>([
    ['a required field is missing', spec({ a: { type: 'string' } }, { required: ['a'] }), { spec: {} },
      [{ field: 'spec.a', reason: 'FieldValueRequired', message: 'Required value' }]],
    ['a value has the wrong type', spec({ size: { type: 'integer' } }), { spec: { size: 'string' } },
      [{ field: 'spec.size', reason: 'FieldValueTypeInvalid', message: 'Invalid value: "string": spec.size in body must be of type integer: "string"' }]],
    ['an integer field holds a fraction', spec({ size: { type: 'integer' } }), { spec: { size: 1.5 } },
      [{ field: 'spec.size', reason: 'FieldValueTypeInvalid', message: 'Invalid value: "number": spec.size in body must be of type integer: "number"' }]],
    ['a non-nullable field is null', spec({ o: { type: 'object' } }), { spec: { o: null } },
      [{ field: 'spec.o', reason: 'FieldValueTypeInvalid', message: 'Invalid value: "null": spec.o in body must be of type object: "null"' }]],
    ['an int-or-string field holds a boolean', spec({ port: { 'x-kubernetes-int-or-string': true } }), { spec: { port: true } },
      [{ field: 'spec.port', reason: 'FieldValueTypeInvalid', message: 'Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean"' }]],
    ['a string misses its pattern', spec({ a: { type: 'string', pattern: '^[a-z]+$' } }), { spec: { a: 'X1' } },
      [{ field: 'spec.a', reason: 'FieldValueInvalid', message: 'Invalid value: "X1": spec.a in body should match \'^[a-z]+$\'' }]],
    ['a value is not in the enum', spec({ a: { type: 'string', enum: ['a', 'b'] } }), { spec: { a: 'x' } },
      [{ field: 'spec.a', reason: 'FieldValueNotSupported', message: 'Unsupported value: "x": supported values: "a", "b"' }]],
    ['a number is not in a numeric enum', spec({ n: { type: 'integer', enum: [1, 2] } }), { spec: { n: 3 } },
      [{ field: 'spec.n', reason: 'FieldValueNotSupported', message: 'Unsupported value: 3: supported values: "1", "2"' }]],
    ['an object is not in an enum of objects', spec({ o: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, enum: [{ a: 1 }] } }), { spec: { o: { b: ['x', null], a: 2 } } },
      [{ field: 'spec.o', reason: 'FieldValueNotSupported', message: 'Unsupported value: map[string]interface {}{"a":2, "b":[]interface {}{"x", interface {}(nil)}}: supported values: "{\\"a\\":1}"' }]],
    ['a number is below its minimum', spec({ n: { type: 'integer', minimum: 1 } }), { spec: { n: 0 } },
      [{ field: 'spec.n', reason: 'FieldValueInvalid', message: 'Invalid value: 0: spec.n in body should be greater than or equal to 1' }]],
    ['a number is above an exclusive maximum', spec({ n: { type: 'number', maximum: 10, exclusiveMaximum: true } }), { spec: { n: 10 } },
      [{ field: 'spec.n', reason: 'FieldValueInvalid', message: 'Invalid value: 10: spec.n in body should be less than 10' }]],
    ['a number is not a multiple', spec({ n: { type: 'integer', multipleOf: 5 } }), { spec: { n: 7 } },
      [{ field: 'spec.n', reason: 'FieldValueInvalid', message: 'Invalid value: 7: spec.n in body should be a multiple of 5' }]],
    ['a string is too long', spec({ a: { type: 'string', maxLength: 3 } }), { spec: { a: 'abcd' } },
      [{ field: 'spec.a', reason: 'FieldValueTooLong', message: 'Too long: may not be more than 3 bytes' }]],
    ['a string is too short', spec({ a: { type: 'string', minLength: 3 } }), { spec: { a: 'ab' } },
      [{ field: 'spec.a', reason: 'FieldValueInvalid', message: 'Invalid value: "ab": spec.a in body should be at least 3 chars long' }]],
    ['an array has too many items', spec({ l: { type: 'array', maxItems: 2, items: { type: 'string' } } }), { spec: { l: ['a', 'b', 'c'] } },
      [{ field: 'spec.l', reason: 'FieldValueTooMany', message: 'Too many: 3: must have at most 2 items' }]],
    ['an array has too few items', spec({ l: { type: 'array', minItems: 1, items: { type: 'string' } } }), { spec: { l: [] } },
      [{ field: 'spec.l', reason: 'FieldValueInvalid', message: 'Invalid value: 0: spec.l in body should have at least 1 items' }]],
    ['an array item is invalid', spec({ l: { type: 'array', items: { type: 'string' } } }), { spec: { l: ['a', 2] } },
      [{ field: 'spec.l[1]', reason: 'FieldValueTypeInvalid', message: 'Invalid value: "integer": spec.l[1] in body must be of type string: "integer"' }]],
    ['an object has too few properties', spec({ m: { type: 'object', minProperties: 1, additionalProperties: { type: 'string' } } }), { spec: { m: {} } },
      [{ field: 'spec.m', reason: 'FieldValueInvalid', message: 'Invalid value: 0: spec.m in body should have at least 1 properties' }]],
    ['an object has too many properties', spec({ m: { type: 'object', maxProperties: 1, additionalProperties: { type: 'string' } } }), { spec: { m: { a: 'x', b: 'y' } } },
      [{ field: 'spec.m', reason: 'FieldValueTooMany', message: 'Too many: 2: must have at most 1 items' }]],
    ['an additionalProperties value is invalid', spec({ m: { type: 'object', additionalProperties: { type: 'string' } } }), { spec: { m: { k: 1 } } },
      [{ field: 'spec.m.k', reason: 'FieldValueTypeInvalid', message: 'Invalid value: "integer": spec.m.k in body must be of type string: "integer"' }]],
    ['a date-time string is malformed', spec({ t: { type: 'string', format: 'date-time' } }), { spec: { t: 'yesterday' } },
      [{ field: 'spec.t', reason: 'FieldValueTypeInvalid', message: 'Invalid value: "yesterday": spec.t in body must be of type date-time: "yesterday"' }]],
  ])('when %s, then the error carries the real reason and message', (_name, schema, obj, expected) => {
    expect(validate(schema, obj)).toEqual(expected);
  });

  it.each<[string, JSONSchemaProps, unknown]>([
    ['a nullable field is null', spec({ a: { type: 'string', nullable: true } }), { spec: { a: null } }],
    ['a number field holds an integer', spec({ a: { type: 'number' } }), { spec: { a: 3 } }],
    ['an int-or-string field holds either', spec({ a: { 'x-kubernetes-int-or-string': true }, b: { 'x-kubernetes-int-or-string': true } }), { spec: { a: 1, b: '50%' } }],
    ['a date-time is RFC 3339', spec({ t: { type: 'string', format: 'date-time' } }), { spec: { t: '2024-05-01T10:00:00Z' } }],
    ['an unknown format is used', spec({ t: { type: 'string', format: 'no-such-format' } }), { spec: { t: 'anything' } }],
    ['a string of multi-byte characters is within maxLength', spec({ a: { type: 'string', maxLength: 2 } }), { spec: { a: '😀😀' } }],
    ['a preserved object holds anything', spec({ p: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } }), { spec: { p: { a: [1, { b: null }] } } }],
  ])('when %s, then there is no error', (_name, schema, obj) => {
    expect(validate(schema, obj)).toEqual([]);
  });

  it('when a type is wrong and the value is not in the enum, then both are reported', () => {
    const errors = validate(spec({ a: { type: 'string', enum: ['x'] } }), { spec: { a: 1 } });
    expect(errors.map((e) => e.reason)).toEqual(['FieldValueTypeInvalid', 'FieldValueNotSupported']);
  });

  it('when a nullable enum field is null, then the enum still rejects it, as kube-openapi does', () => {
    const errors = validate(spec({ a: { type: 'string', nullable: true, enum: ['x', null] } }), { spec: { a: null } });
    expect(errors).toEqual([{ field: 'spec.a', reason: 'FieldValueNotSupported', message: 'Unsupported value: null: supported values: "x", "null"' }]);
  });

  it('when an object has too few properties, then its values are still validated', () => {
    const schema = spec({ m: { type: 'object', minProperties: 2, additionalProperties: { type: 'string' } } });
    expect(validate(schema, { spec: { m: { k: 1 } } }).map((e) => e.field)).toEqual(['spec.m', 'spec.m.k']);
  });

  it('when a string is too long and misses its pattern, then only the length is reported', () => {
    const errors = validate(spec({ a: { type: 'string', maxLength: 2, pattern: '^a+$' } }), { spec: { a: 'bbb' } });
    expect(errors.map((e) => e.reason)).toEqual(['FieldValueTooLong']);
  });

  it('when several fields are wrong, then each is reported with its own path', () => {
    const schema = spec({ a: { type: 'string' }, b: { type: 'integer' } }, { required: ['c'] });
    expect(validate(schema, { spec: { a: 1, b: 'x' } }).map((e) => e.field)).toEqual(['spec.a', 'spec.b', 'spec.c']);
  });
});
