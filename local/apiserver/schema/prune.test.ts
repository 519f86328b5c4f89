import { describe, expect, it } from '@jest/globals';
import { prune } from './prune.js';
import type { JSONSchemaProps } from './types.js';

const schema: JSONSchemaProps = {
  type: 'object',
  properties: {
    metadata: { type: 'object', properties: { name: { type: 'string', maxLength: 10 } } },
    spec: {
      type: 'object',
      properties: {
        size: { type: 'integer' },
        items: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
        labels: { type: 'object', additionalProperties: { type: 'object', properties: { v: { type: 'string' } } } },
        params: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { fixed: { type: 'object', properties: { a: { type: 'string' } } } } },
        template: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { spec: { type: 'object', properties: { x: { type: 'string' } } } } },
        maybe: { type: 'string', nullable: true },
        notNull: { type: 'string' },
        withDefault: { type: 'string', default: 'd' },
      },
    },
    status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
  },
};

describe('prune', () => {
  it('when a field is not in the schema, then it is dropped and its path reported', () => {
    const { value, unknownFields } = prune(schema, { apiVersion: 'g/v1', kind: 'W', spec: { size: 1, foo: 'x' }, bar: 1 });
    expect(value).toEqual({ apiVersion: 'g/v1', kind: 'W', spec: { size: 1 } });
    expect(unknownFields).toEqual(['bar', 'spec.foo']);
  });

  it('when the root carries apiVersion, kind and metadata, then they are kept even if the schema lists metadata fields', () => {
    const obj = { apiVersion: 'g/v1', kind: 'W', metadata: { name: 'a', labels: { x: 'y' } } };
    expect(prune(schema, obj)).toEqual({ value: obj, unknownFields: [] });
  });

  it('when array items carry unknown fields, then they are dropped with indexed paths', () => {
    const { value, unknownFields } = prune(schema, { spec: { items: [{ name: 'a' }, { name: 'b', extra: true }] } });
    expect(value).toEqual({ spec: { items: [{ name: 'a' }, { name: 'b' }] } });
    expect(unknownFields).toEqual(['spec.items[1].extra']);
  });

  it('when additionalProperties has a schema, then every value is pruned with it', () => {
    const { value, unknownFields } = prune(schema, { spec: { labels: { one: { v: 'a', w: 'b' } } } });
    expect(value).toEqual({ spec: { labels: { one: { v: 'a' } } } });
    expect(unknownFields).toEqual(['spec.labels.one.w']);
  });

  it('when x-kubernetes-preserve-unknown-fields is set, then unknown fields stay but listed properties are still pruned', () => {
    const { value, unknownFields } = prune(schema, { spec: { params: { anything: { deep: 1 }, fixed: { a: 'x', b: 'y' } } }, status: { any: 1 } });
    expect(value).toEqual({ spec: { params: { anything: { deep: 1 }, fixed: { a: 'x' } } }, status: { any: 1 } });
    expect(unknownFields).toEqual(['spec.params.fixed.b']);
  });

  it('when an embedded resource carries apiVersion, kind and metadata, then they are kept and its spec is pruned', () => {
    const template = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { x: 'a', y: 'b' } };
    const { value, unknownFields } = prune(schema, { spec: { template } });
    expect(value).toEqual({ spec: { template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { x: 'a' } } } });
    expect(unknownFields).toEqual(['spec.template.spec.y']);
  });

  it('when a nested object has an unknown field named metadata, then it is dropped like any other', () => {
    expect(prune(schema, { spec: { metadata: {} } }).unknownFields).toEqual(['spec.metadata']);
  });

  it('when a non-nullable field without default is null, then it is dropped; nullable and defaulted nulls stay', () => {
    const { value, unknownFields } = prune(schema, { spec: { maybe: null, notNull: null, withDefault: null } });
    expect(value).toEqual({ spec: { maybe: null, withDefault: null } });
    expect(unknownFields).toEqual([]);
  });

  it('when pruning, then the input object is left unchanged', () => {
    const input = { spec: { foo: 1 } };
    prune(schema, input);
    expect(input).toEqual({ spec: { foo: 1 } });
  });
});
