import { describe, expect, it } from '@jest/globals';
import { applyDefaults } from './defaults.js';
import type { JSONSchemaProps } from './types.js';

const schema: JSONSchemaProps = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      default: {},
      properties: {
        replicas: { type: 'integer', default: 1 },
        mode: { type: 'string', default: 'fast' },
        nested: { type: 'object', default: {}, properties: { level: { type: 'integer', default: 3 } } },
        optional: { type: 'object', properties: { flag: { type: 'boolean', default: false } } },
        steps: { type: 'array', items: { type: 'object', properties: { timeout: { type: 'string', default: '1h' } } } },
        env: { type: 'object', additionalProperties: { type: 'object', properties: { secret: { type: 'boolean', default: false } } } },
        nullable: { type: 'string', nullable: true, default: 'x' },
      },
    },
  },
};

describe('applyDefaults', () => {
  it('when spec is missing, then it is created from its default and nested defaults fill it top-down', () => {
    expect(applyDefaults(schema, {})).toEqual({ spec: { replicas: 1, mode: 'fast', nested: { level: 3 }, nullable: 'x' } });
  });

  it('when a field is set, then its default does not replace it', () => {
    const out = applyDefaults(schema, { spec: { replicas: 5, mode: 'slow', nested: { level: 0 }, nullable: 'y' } });
    expect(out).toEqual({ spec: { replicas: 5, mode: 'slow', nested: { level: 0 }, nullable: 'y' } });
  });

  it('when an object without a default is absent, then defaults inside it are not applied', () => {
    expect((applyDefaults(schema, { spec: {} }) as { spec: object }).spec).not.toHaveProperty('optional');
  });

  it('when an object without a default exists, then defaults inside it are applied', () => {
    expect(applyDefaults(schema, { spec: { optional: {} } })).toMatchObject({ spec: { optional: { flag: false } } });
  });

  it('when array items exist, then each item gets its defaults', () => {
    expect(applyDefaults(schema, { spec: { steps: [{}, { timeout: '5m' }] } })).toMatchObject({ spec: { steps: [{ timeout: '1h' }, { timeout: '5m' }] } });
  });

  it('when additionalProperties values exist, then each value gets its defaults', () => {
    expect(applyDefaults(schema, { spec: { env: { A: {}, B: { secret: true } } } })).toMatchObject({ spec: { env: { A: { secret: false }, B: { secret: true } } } });
  });

  it('when a non-nullable field is null, then its default replaces the null; a nullable null stays', () => {
    expect(applyDefaults(schema, { spec: { replicas: null, nullable: null } })).toMatchObject({ spec: { replicas: 1, nullable: null } });
  });

  it('when defaults are applied twice, then the result is the same and the default values are not shared', () => {
    const once = applyDefaults(schema, {}) as { spec: { nested: { level: number } } };
    once.spec.nested.level = 99;
    expect(applyDefaults(schema, {})).toEqual(applyDefaults(schema, applyDefaults(schema, {})));
    expect((applyDefaults(schema, {}) as typeof once).spec.nested.level).toBe(3);
  });
});
