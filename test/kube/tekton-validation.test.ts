/**
 * Every PipelineRun shape our builder produces for an admitted request is accepted by Tekton, judged by
 * Tekton's own defaulting and validation code (release pinned in test/kube/tekton/go.mod) plus the API
 * server's metadata checks. Runs under TEST_CLUSTER=kube only: it builds a Go program.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import type { InternalServicesConfigSpec } from '../../shared/api/index.js';
import { aConfigSpec, anInternalRequest, REQUEST_UID } from '../../shared/api/testing.js';
import type { RequestParts } from '../../shared/api/testing.js';
import { buildPipelineRun, findRejection } from '../../shared/core/index.js';
import { ensureBinary, BINARIES } from './binaries.js';
import { runTektonValidate, validatePipelineRuns } from './support/tekton-validate.js';
import type { Verdict } from './support/tekton-validate.js';

const describeKube = process.env.TEST_CLUSTER === 'kube' ? describe : describe.skip;

const SERVICE_NAMESPACE = 'internal-services';
/** A cold build of the Tekton packages takes minutes on two cores, longer beside another Go build. */
const BUILD_TIMEOUT_MS = 20 * 60 * 1000;

interface Shape {
  behaviour: string;
  parts: RequestParts;
  config?: Partial<InternalServicesConfigSpec>;
}

function pipeline(resolver: string, params: Array<{ name: string; value: string }>): RequestParts['spec'] {
  return { pipeline: { pipelineRef: { resolver, params } } };
}

/** A label key as long as Kubernetes allows: a 253-character DNS prefix and a 63-character name. */
const LONGEST_LABEL_KEY = `${['a', 'b', 'c'].map((c) => c.repeat(63)).join('.')}.${'d'.repeat(61)}/${'n'.repeat(63)}`;
const LONG_NAMESPACE = `t${'-'.repeat(61)}t`;

/** Every label kind a tenant may put on a request, including forgeries of the labels we set. */
const TENANT_LABELS: Record<string, string> = {
  app: 'hello',
  'app.kubernetes.io/name': 'release',
  'example.com/empty': '',
  'kubernetes.io/arch': 'amd64',
  'tekton.dev/pipeline': 'forged',
  'internal-services.appstudio.openshift.io/name': 'forged',
  'internal-services.appstudio.openshift.io/namespace': 'forged',
  'internal-services.appstudio.openshift.io/pipelinerun-uid': 'abc',
  'pipelines.appstudio.openshift.io/type': 'build',
  [LONGEST_LABEL_KEY]: `A${'-b_c.d'.repeat(10)}-z`,
};

/** The admission limit: 64 labels of the request's own, plus the system ones. */
const MANY_LABELS: Record<string, string> = Object.fromEntries(
  Array.from({ length: 64 }, (_, i): [string, string] => [`example.com/label-${i}`, `v${i}`]),
);

const ACCEPTED: Shape[] = [
  { behaviour: 'the default request (cluster resolver, no params, no timeouts)', parts: {} },
  { behaviour: 'cluster resolver with forged namespace and kind replaced', parts: { spec: pipeline('cluster', [
    { name: 'namespace', value: 'someone-else' }, { name: 'name', value: 'hello' }, { name: 'kind', value: 'task' }]) } },
  { behaviour: 'git resolver (url, revision, pathInRepo, a kept namespace)', parts: { spec: pipeline('git', [
    { name: 'url', value: 'https://github.com/org/catalog.git' }, { name: 'revision', value: 'main' },
    { name: 'pathInRepo', value: 'pipelines/push.yaml' }, { name: 'namespace', value: 'kept-for-git' }]) } },
  { behaviour: 'bundles resolver', parts: { spec: pipeline('bundles', [
    { name: 'bundle', value: 'quay.io/org/catalog@sha256:' + '0'.repeat(64) }, { name: 'name', value: 'push' },
    { name: 'kind', value: 'pipeline' }]) } },
  { behaviour: 'hub resolver', parts: { spec: pipeline('hub', [
    { name: 'catalog', value: 'tekton-catalog-tasks' }, { name: 'type', value: 'artifact' }, { name: 'kind', value: 'pipeline' },
    { name: 'name', value: 'buildpacks' }, { name: 'version', value: '0.1' }]) } },
  { behaviour: 'http resolver', parts: { spec: pipeline('http', [{ name: 'url', value: 'https://example.com/pipeline.yaml' }]) } },
  { behaviour: 'string params, names of every allowed character and values of any text', parts: { spec: { params: {
    who: 'world', _under: '', 'dotted.name': 'a.b', 'kebab-Case_9': 'multi\nline', ref: '$(params.who)' } } } },
  { behaviour: 'a pipeline timeout alone', parts: { spec: { timeouts: { pipeline: '2h0m0s' } } } },
  { behaviour: 'tasks within pipeline (the builder test shape)', parts: { spec: { timeouts: { pipeline: '2h0m0s', tasks: '1h0m0s' } } } },
  { behaviour: 'tasks alone, within the default hour', parts: { spec: { timeouts: { tasks: '30m' } } } },
  { behaviour: 'finally alone, within the default hour', parts: { spec: { timeouts: { finally: '10m' } } } },
  { behaviour: 'tasks + finally exactly the default hour', parts: { spec: { timeouts: { tasks: '40m', finally: '20m' } } } },
  { behaviour: 'the longest whole-hour duration Go has, and fractional and millisecond forms', parts: {
    spec: { timeouts: { pipeline: '2562047h', tasks: '.5h', finally: '1800000ms' } } } },
  { behaviour: 'tasks + finally exactly the pipeline', parts: { spec: { timeouts: { pipeline: '3h', tasks: '1.5h', finally: '90m' } } } },
  { behaviour: 'pipeline 0 (no timeout) with tasks', parts: { spec: { timeouts: { pipeline: '0', tasks: '5h' } } } },
  { behaviour: 'all three 0 (no timeouts)', parts: { spec: { timeouts: { pipeline: '0', tasks: '0', finally: '0' } } } },
  { behaviour: 'pipeline 0 with finally alone', parts: { spec: { timeouts: { pipeline: '0', finally: '5h' } } } },
  { behaviour: 'forms Go reads: a plus sign, a bare point, the Greek mu', parts: {
    spec: { timeouts: { pipeline: '+2h', tasks: '1.h', finally: '5μs' } } } },
  { behaviour: 'negative zero, and a sum Go wraps to 0', parts: {
    spec: { timeouts: { pipeline: '-0', tasks: '9223372036854775808ns9223372036854775808ns' } } } },
  { behaviour: "tasks + finally past Go's largest duration under pipeline 0 (Tekton's int64 sum wraps)", parts: {
    spec: { timeouts: { pipeline: '0', tasks: '2000000h', finally: '2000000h' } } } },
  { behaviour: 'cluster resolver params Namespace and KIND replaced', parts: { spec: pipeline('cluster', [
    { name: 'name', value: 'hello' }, { name: 'Namespace', value: 'someone-else' }, { name: 'KIND', value: 'task' }]) } },
  { behaviour: 'param values with references that are not task results', parts: { spec: { params: {
    status: '$(tasks.build.status)', deep: '$(tasks.a.results.b.c.d)', step: '$(steps.s.results.r)',
    context: '$(context.pipelineRun.name)', open: '$(tasks.a.results.b' } } } },
  { behaviour: 'a service account', parts: { spec: { serviceAccount: 'release-sa' } } },
  { behaviour: 'a workspace of another name and size', parts: {}, config: { volumeClaim: { name: 'data', size: '500Mi' } } },
  { behaviour: 'every kind of tenant label', parts: { metadata: { labels: TENANT_LABELS } } },
  { behaviour: 'the most labels admission allows', parts: { metadata: { labels: MANY_LABELS } } },
  { behaviour: 'the longest request name admission allows', parts: { metadata: { name: 'r'.repeat(63) } } },
  { behaviour: 'a request name with dots', parts: { metadata: { name: 'release.v1.2' } } },
  { behaviour: 'the longest namespace', parts: { metadata: { namespace: LONG_NAMESPACE } }, config: { allowList: [LONG_NAMESPACE] } },
  { behaviour: 'everything at once', config: { volumeClaim: { name: 'shared', size: '5Gi' } }, parts: {
    metadata: { labels: TENANT_LABELS },
    spec: { ...pipeline('git', [{ name: 'url', value: 'https://github.com/org/catalog.git' }]), params: { who: 'world' },
      timeouts: { pipeline: '2h', tasks: '1h', finally: '30m' }, serviceAccount: 'release-sa' } } },
];

/**
 * Requests whose PipelineRun Tekton refuses; admission must reject each first, with its own message,
 * so that none fails at create time with Tekton's. `field` is what Tekton's refusal names.
 */
const REFUSED: Array<Shape & { field: string }> = [
  { behaviour: 'tasks longer than the pipeline', field: 'timeouts.tasks', parts: { spec: { timeouts: { pipeline: '1h', tasks: '2h' } } } },
  { behaviour: 'tasks alone longer than the default hour', field: 'timeouts.tasks', parts: { spec: { timeouts: { tasks: '2h' } } } },
  { behaviour: 'tasks + finally longer than the pipeline', field: 'timeouts.finally', parts: {
    spec: { timeouts: { pipeline: '1h', tasks: '50m', finally: '20m' } } } },
  { behaviour: 'tasks 0 (no timeout) under a bounded pipeline', field: 'timeouts.tasks', parts: {
    spec: { timeouts: { pipeline: '1h', tasks: '0' } } } },
  { behaviour: 'tasks + finally under pipeline 0 (no timeout)', field: 'timeouts.tasks', parts: {
    spec: { timeouts: { pipeline: '0', tasks: '1h', finally: '1h' } } } },
  { behaviour: 'a duration longer than Go can hold', field: 'invalid duration "3000000h"', parts: {
    spec: { timeouts: { pipeline: '3000000h' } } } },
  { behaviour: 'resolver params differing only in case', field: 'spec.pipelineRef[URL].name', parts: { spec: pipeline('git', [
    { name: 'url', value: 'https://github.com/org/a.git' }, { name: 'URL', value: 'https://github.com/org/b.git' }]) } },
  { behaviour: 'params differing only in case', field: 'spec.params', parts: { spec: { params: { who: 'a', WHO: 'b' } } } },
  { behaviour: 'a param value with a task result reference', field: 'spec.params', parts: {
    spec: { params: { who: '$(tasks.build.results.digest)' } } } },
  { behaviour: 'a param value with a finally task result reference', field: 'spec.params', parts: {
    spec: { params: { who: 'id $(finally.notify.results.id)' } } } },
  { behaviour: 'a negative timeout', field: 'timeouts.finally', parts: { spec: { timeouts: { finally: '-1s' } } } },
  { behaviour: 'finally 0 (no timeout) under the default hour', field: 'timeouts.finally', parts: {
    spec: { timeouts: { finally: '0' } } } },
  { behaviour: 'tasks 0 + finally under pipeline 0', field: 'timeouts.tasks', parts: {
    spec: { timeouts: { pipeline: '0', tasks: '0', finally: '1s' } } } },
];

function requestAndRun({ parts, config }: Shape) {
  const ir = anInternalRequest(parts);
  const spec = aConfigSpec(config);
  return { admission: findRejection(ir, spec), run: buildPipelineRun(ir, spec, SERVICE_NAMESPACE) };
}

describeKube('Tekton accepts the PipelineRuns we build (Tekton webhook code, create, default config)', () => {
  let accepted: Verdict[] = [];
  let refused: Verdict[] = [];

  beforeAll(async () => {
    await ensureBinary(BINARIES.tektonValidate);
    const verdicts = await validatePipelineRuns([...ACCEPTED, ...REFUSED].map((shape) => requestAndRun(shape).run));
    accepted = verdicts.slice(0, ACCEPTED.length);
    refused = verdicts.slice(ACCEPTED.length);
  }, BUILD_TIMEOUT_MS);

  it.each(ACCEPTED.map((shape, index) => ({ ...shape, index })))('accepts $behaviour', ({ index, ...shape }) => {
    expect(requestAndRun(shape).admission).toBeUndefined();
    expect(accepted[index]).toMatchObject({ namespace: SERVICE_NAMESPACE, name: `internalrequest-${REQUEST_UID}`, ok: true });
  });

  describe('requests Tekton would refuse are rejected at admission', () => {
    const cases = REFUSED.map((shape, index) => ({ ...shape, index }));

    it.each(cases)('Tekton refuses $behaviour, naming $field', ({ index, field }) => {
      expect(refused[index]?.ok).toBe(false);
      expect(refused[index]?.error).toContain(field);
    });

    it.each(cases)('admission rejects $behaviour before a PipelineRun is written', (shape) => {
      expect(requestAndRun(shape).admission).toBeDefined();
    });
  });

  describe('the check can fail', () => {
    const { run } = requestAndRun({ behaviour: 'default', parts: {} });

    it.each([
      { behaviour: 'a field Tekton does not know', field: 'unknown field "timeout"', run: { ...run, spec: { ...run.spec, timeout: '1h' } } },
      { behaviour: 'a label value longer than 63 characters', field: 'metadata.labels', run: {
        ...run, metadata: { ...run.metadata, labels: { app: 'x'.repeat(64) } } } },
      { behaviour: 'two params of one name', field: 'spec.params', run: {
        ...run, spec: { ...run.spec, params: [{ name: 'who', value: 'a' }, { name: 'who', value: 'b' }] } } },
      { behaviour: 'a resolver param Namespace beside namespace (what the builder once wrote)', field: 'spec.pipelineRef[namespace].name',
        run: { ...run, spec: { ...run.spec, pipelineRef: { ...run.spec.pipelineRef, params: [
          { name: 'Namespace', value: 'someone-else' }, ...run.spec.pipelineRef.params] } } } },
      { behaviour: 'a run without pipelineRef', field: 'spec.pipelineRef', run: {
        ...run, spec: { ...run.spec, pipelineRef: undefined } } },
    ])('refuses $behaviour, naming $field', async ({ field, run: refused }) => {
      const [verdict] = await validatePipelineRuns([refused]);
      expect(verdict?.ok).toBe(false);
      expect(verdict?.error).toContain(field);
    });

    it('prints one line per run and exits 1 when any is refused', async () => {
      const bad = { ...run, metadata: { ...run.metadata, name: 'Not_A_Name' } };
      const result = await runTektonValidate(JSON.stringify([run, bad]));
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(new RegExp(`^${SERVICE_NAMESPACE}/${run.metadata.name}: ok\n${SERVICE_NAMESPACE}/Not_A_Name: .*metadata.name`));
    });

    it('judges a single object too, and exits 0 when it is accepted', async () => {
      expect(await runTektonValidate(JSON.stringify(run))).toEqual({ code: 0, stdout: `${SERVICE_NAMESPACE}/${run.metadata.name}: ok\n`, stderr: '' });
    });

    it('exits 2 with a clear message on input that is not JSON objects', async () => {
      for (const input of ['not json', '[1]', '']) {
        const result = await runTektonValidate(input);
        expect(result).toMatchObject({ code: 2, stdout: '' });
        expect(result.stderr).toMatch(/^tekton-validate: bad input: /);
      }
    });
  });
});
