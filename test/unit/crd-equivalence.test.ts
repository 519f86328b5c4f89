/**
 * The zod schemas are the source of truth (ADR 0003); this test proves the CRDs in knative/crds say the
 * same: every object in the table is accepted by both or rejected by both, and the CRD's defaults are the
 * schema's defaults. The CRD side runs the API server's own order: prune, then default, then validate.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { z } from 'zod';
import { applyDefaults, prune, validate } from '../../local/apiserver/schema/index.js';
import type { JSONSchemaProps } from '../../local/apiserver/schema/index.js';
import { InternalRequestSchema } from '../../shared/api/internal-request.js';
import { InternalServicesConfigSchema } from '../../shared/api/internal-services-config.js';

interface Crd {
  metadata: { name: string };
  spec: {
    group: string;
    scope: string;
    names: { kind: string; plural: string; singular: string; listKind: string };
    versions: Array<{
      name: string;
      served: boolean;
      storage: boolean;
      subresources?: { status?: object };
      additionalPrinterColumns?: Array<{ name: string; type: string; jsonPath: string }>;
      schema: { openAPIV3Schema: JSONSchemaProps };
    }>;
  };
}

function loadCrd(file: string): Crd {
  return parse(readFileSync(fileURLToPath(new URL(`../../knative/crds/${file}`, import.meta.url)), 'utf8')) as Crd;
}

const crds = { request: loadCrd('internalrequests.yaml'), config: loadCrd('internalservicesconfigs.yaml') };
const openApi = (crd: Crd): JSONSchemaProps => crd.spec.versions[0]!.schema.openAPIV3Schema;

/** What the API server stores for a create: pruned, defaulted, or the validation errors. */
function throughServer(crd: Crd, object: object): { errors: string[]; stored: unknown } {
  const schema = openApi(crd);
  const stored = applyDefaults(schema, prune(schema, object).value);
  return { errors: validate(schema, stored).map((e) => `${e.field}: ${e.message}`), stored };
}

const metadata = { name: 'r', namespace: 'tenant', uid: '0b6a1f1e-4c1d-4a4b-9a7e-1d2c3b4a5f60', resourceVersion: '1' };
const pipeline = { pipelineRef: { resolver: 'cluster', params: [{ name: 'name', value: 'hello' }] } };
const condition = { type: 'Succeeded', status: 'False', reason: 'Running', message: '', lastTransitionTime: '2025-01-02T03:04:05Z' };

function request(spec: unknown, status?: unknown): object {
  return { apiVersion: 'appstudio.redhat.com/v1alpha1', kind: 'InternalRequest', metadata, spec, ...(status === undefined ? {} : { status }) };
}
const withSpec = (extra: object): object => request({ pipeline, ...extra });
const withPipeline = (extra: object): object => request({ pipeline: { ...pipeline, ...extra } });
const withStatus = (status: object): object => request({ pipeline }, status);
const withCondition = (extra: object): object => withStatus({ conditions: [{ ...condition, ...extra }] });

const requestRows: Array<[string, object, boolean]> = [
  ['minimal request', withSpec({}), true],
  ['resolver with no params', request({ pipeline: { pipelineRef: { resolver: 'git', params: [] } } }), true],
  [
    'every spec field',
    withSpec({
      params: { who: 'world', empty: '' },
      timeouts: { pipeline: '2h0m0s', tasks: '1h0m0s', finally: '10m0s' },
      serviceAccount: 'release-sa',
      pipeline: { ...pipeline, serviceAccountName: 'sa-1', timeouts: { pipeline: '1h' }, params: [{ name: 'a', value: 'b' }] },
    }),
    true,
  ],
  ['unknown spec fields (pruned by the server, kept by the schema)', withSpec({ future: { x: 1 } }), true],
  ['running status', withStatus({ pipelineRun: 'internal-services/internalrequest-abc', startTime: '2025-01-02T03:04:05Z', conditions: [condition] }), true],
  ['succeeded status with results', withStatus({ completionTime: '2025-01-02T03:04:05.123+02:00', results: { message: 'hi' }, conditions: [{ ...condition, status: 'True', reason: 'Succeeded' }] }), true],
  ['condition with observedGeneration 0 and a prefixed type', withCondition({ observedGeneration: 0, type: 'example.com/Ready' }), true],
  ['reason with , : and _', withCondition({ reason: 'A_b:c,D' }), true],
  ['no spec', request(undefined), false],
  ['spec without pipeline', request({ params: { a: 'b' } }), false],
  ['pipeline without pipelineRef', request({ pipeline: { serviceAccountName: 'sa' } }), false],
  ['pipelineRef without resolver', request({ pipeline: { pipelineRef: { params: [] } } }), false],
  ['pipelineRef without params', request({ pipeline: { pipelineRef: { resolver: 'cluster' } } }), false],
  ['resolver not a string', request({ pipeline: { pipelineRef: { resolver: 1, params: [] } } }), false],
  ['resolver param without value', request({ pipeline: { pipelineRef: { resolver: 'git', params: [{ name: 'url' }] } } }), false],
  ['resolver param value not a string', request({ pipeline: { pipelineRef: { resolver: 'git', params: [{ name: 'n', value: 3 }] } } }), false],
  ['pipeline param without name', withPipeline({ params: [{ value: 'v' }] }), false],
  ['spec.params value not a string', withSpec({ params: { n: 1 } }), false],
  ['spec.params an array', withSpec({ params: [{ name: 'a', value: 'b' }] }), false],
  ['serviceAccount with an underscore', withSpec({ serviceAccount: 'bad_sa' }), false],
  ['serviceAccount starting with a hyphen', withSpec({ serviceAccount: '-sa' }), false],
  ['pipeline.serviceAccountName in capitals', withPipeline({ serviceAccountName: 'SA' }), false],
  ['timeouts.pipeline a number', withSpec({ timeouts: { pipeline: 3600 } }), false],
  ['pipeline.timeouts.tasks a number', withPipeline({ timeouts: { tasks: 60 } }), false],
  ['pipelineRun without a slash', withStatus({ pipelineRun: 'internalrequest-abc' }), false],
  ['pipelineRun with capitals', withStatus({ pipelineRun: 'ns/Run' }), false],
  ['startTime not a date-time', withStatus({ startTime: 'yesterday' }), false],
  ['completionTime a date only', withStatus({ completionTime: '2025-01-02' }), false],
  ['results value not a string', withStatus({ results: { n: 1 } }), false],
  ['conditions not an array', withStatus({ conditions: condition }), false],
  ['condition without message', withStatus({ conditions: [{ ...condition, message: undefined }] }), false],
  ['condition without lastTransitionTime', withStatus({ conditions: [{ ...condition, lastTransitionTime: undefined }] }), false],
  ['condition status Maybe', withCondition({ status: 'Maybe' }), false],
  ['condition reason empty', withCondition({ reason: '' }), false],
  ['condition reason starting with a digit', withCondition({ reason: '1Running' }), false],
  ['condition reason too long', withCondition({ reason: 'R'.repeat(1025) }), false],
  ['condition type with a space', withCondition({ type: 'Not Ok' }), false],
  ['condition message too long', withCondition({ message: 'm'.repeat(32769) }), false],
  ['condition observedGeneration negative', withCondition({ observedGeneration: -1 }), false],
  ['condition observedGeneration fractional', withCondition({ observedGeneration: 1.5 }), false],
];

function config(spec?: unknown): object {
  return { apiVersion: 'appstudio.redhat.com/v1alpha1', kind: 'InternalServicesConfig', metadata: { ...metadata, name: 'config' }, ...(spec === undefined ? {} : { spec }) };
}

const configRows: Array<[string, object, boolean]> = [
  ['no spec', config(), true],
  ['empty spec', config({}), true],
  ['empty volumeClaim', config({ volumeClaim: {} }), true],
  ['volumeClaim name only', config({ volumeClaim: { name: 'data' } }), true],
  ['volumeClaim size only', config({ volumeClaim: { size: '500Mi' } }), true],
  [
    'every field, the better ones included',
    config({
      allowList: ['tenant', 'other'],
      allowedGitResolverURLs: ['https://github.com/org/catalog.git'],
      allowedResolvers: ['cluster', 'git'],
      allowedServiceAccounts: ['release-sa'],
      debug: true,
      volumeClaim: { name: 'workspace', size: '10Gi' },
    }),
    true,
  ],
  ['unknown fields', config({ future: true, volumeClaim: { name: 'w', extra: 1 } }), true],
  ['volumeClaim name in capitals', config({ volumeClaim: { name: 'Data' } }), false],
  ['volumeClaim size without i', config({ volumeClaim: { size: '1G' } }), false],
  ['volumeClaim size zero', config({ volumeClaim: { size: '0Gi' } }), false],
  ['volumeClaim size in Ti', config({ volumeClaim: { size: '1Ti' } }), false],
  ['volumeClaim size a number', config({ volumeClaim: { size: 1 } }), false],
  ['debug a string', config({ debug: 'true' }), false],
  ['allowList a string', config({ allowList: 'tenant' }), false],
  ['allowList of numbers', config({ allowList: [1] }), false],
  ['allowedGitResolverURLs of objects', config({ allowedGitResolverURLs: [{ url: 'x' }] }), false],
  ['allowedResolvers of booleans', config({ allowedResolvers: [true] }), false],
  ['allowedServiceAccounts a string', config({ allowedServiceAccounts: 'sa' }), false],
];

const named = (rows: Array<[string, object, boolean]>): Array<{ name: string; object: object; accepted: boolean }> =>
  rows.map(([name, object, accepted]) => ({ name, object, accepted }));

function verdicts(crd: Crd, schema: z.ZodType, object: object): { crd: string[]; zod: string[] } {
  const result = schema.safeParse(object);
  return { crd: throughServer(crd, object).errors, zod: result.success ? [] : result.error.issues.map((i) => i.path.join('.')) };
}

describe('InternalRequest: the CRD and the zod schema accept and reject the same objects', () => {
  it.each(named(requestRows))('$name → accepted: $accepted', ({ object, accepted }) => {
    const { crd, zod } = verdicts(crds.request, InternalRequestSchema, object);
    expect({ crd: crd.length === 0, zod: zod.length === 0 }).toEqual({ crd: accepted, zod: accepted });
  });
});

describe('InternalServicesConfig: the CRD and the zod schema accept and reject the same objects', () => {
  it.each(named(configRows))('$name → accepted: $accepted', ({ object, accepted }) => {
    const { crd, zod } = verdicts(crds.config, InternalServicesConfigSchema, object);
    expect({ crd: crd.length === 0, zod: zod.length === 0 }).toEqual({ crd: accepted, zod: accepted });
  });

  /** The CRD defaults only inside a spec that is present; a config without spec gets them from the loader. */
  it.each(named(configRows).filter(({ object, accepted }) => accepted && 'spec' in object))(
    '$name → the same volumeClaim defaults',
    ({ object }) => {
      const stored = throughServer(crds.config, object).stored as { spec: { volumeClaim: object } };
      expect(InternalServicesConfigSchema.parse(object).spec.volumeClaim).toEqual(expect.objectContaining(stored.spec.volumeClaim));
      expect(stored.spec.volumeClaim).toMatchObject({ name: expect.any(String), size: expect.any(String) });
    },
  );
});

describe('Both CRDs keep the reference API', () => {
  it.each([
    ['internalrequests.yaml', crds.request, 'InternalRequest', 'internalrequests'],
    ['internalservicesconfigs.yaml', crds.config, 'InternalServicesConfig', 'internalservicesconfigs'],
  ])('%s: appstudio.redhat.com/v1alpha1, Namespaced, status subresource', (_file, crd, kind, plural) => {
    expect(crd.metadata.name).toBe(`${plural}.appstudio.redhat.com`);
    expect(crd.spec).toMatchObject({ group: 'appstudio.redhat.com', scope: 'Namespaced', names: { kind, plural, listKind: `${kind}List` } });
    expect(crd.spec.versions.map((v) => [v.name, v.served, v.storage, v.subresources?.status])).toEqual([['v1alpha1', true, true, {}]]);
  });

  it('InternalRequest prints Succeeded and Reason from the condition of type Succeeded', () => {
    expect(crds.request.spec.versions[0]?.additionalPrinterColumns).toEqual([
      { name: 'Succeeded', type: 'string', jsonPath: '.status.conditions[?(@.type=="Succeeded")].status' },
      { name: 'Reason', type: 'string', jsonPath: '.status.conditions[?(@.type=="Succeeded")].reason' },
    ]);
  });
});
