/**
 * Knative's own judgement of everything in knative/: each Knative object the overlays render is
 * decoded strictly, defaulted and validated by the code of Knative Serving and Eventing 1.22 (the
 * release docs/deploy.md documents), with exactly the feature flags its prerequisites tell
 * admins to set. Opt in with TEST_CLUSTER=kube: it builds a Go program (about three minutes cold on two cores).
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import type { FeatureFlag, Report, Verdict } from './support/knative-validate.js';
import {
  documentedFeatureFlags, documentedSampleOverlay, knativeValidator, pinnedKnative, renderKustomize,
} from './support/knative-validate.js';

const describeKube = process.env.TEST_CLUSTER === 'kube' ? describe : describe.skip;

const BUILD_TIMEOUT_MS = 25 * 60_000;

let validate: (yaml: string, flags?: FeatureFlag[]) => Report;
// The one list of flags: what the prerequisites in docs/deploy.md state (read only when the suite runs).
const documentedFlags: FeatureFlag[] = process.env.TEST_CLUSTER === 'kube' ? documentedFeatureFlags() : [];

/** Every Knative object knative/private renders, sorted: none may slip past as skipped. */
const PRIVATE_KNATIVE_OBJECTS = [
  'ApiServerSource/internal-services/pipelineruns',
  'Broker/internal-services/internal-services',
  'ContainerSource/internal-services/remote-internalrequests',
  'PingSource/internal-services/resync',
  ...['admission', 'cleanup', 'dead-letters', 'pipelinerun-creator', 'resync', 'status-relay'].map((s) => `Service/internal-services/${s}`),
  'SinkBinding/internal-services/resync',
  ...['admission-internalrequest-add', 'admission-internalrequest-update', 'cleanup-completed', 'cleanup-deleting',
    'pipelinerun-creator-admitted', 'resync-ping', 'status-relay-pipelinerun-add', 'status-relay-pipelinerun-delete',
    'status-relay-pipelinerun-update'].map((t) => `Trigger/internal-services/${t}`),
];

const isSkipped = (v: Verdict): boolean => v.verdict.startsWith('skipped');
/** Knative objects refused, with Knative's reason (an `ok (warning: …)` is accepted, as by the API server). */
const refused = (report: Report): string[] => report.verdicts.filter((v) => !isSkipped(v) && !v.verdict.startsWith('ok')).map((v) => `${v.object}: ${v.verdict}`);
/** The Knative objects judged (everything not skipped as non-Knative). */
const judged = (report: Report): string[] => report.verdicts.filter((v) => !isSkipped(v)).map((v) => v.object).sort();

describeKube('Knative 1.22 admits every Knative object in knative/', () => {
  beforeAll(async () => {
    validate = await knativeValidator();
  }, BUILD_TIMEOUT_MS);

  it('when the validator runs, then it is the Knative release test/kube/knative/go.mod pins', () => {
    expect(validate('').knative).toBe(pinnedKnative());
  });

  it('when validating with the documented flags, then those and no others are set', () => {
    const used = validate('', documentedFlags).features.map((f) => f.replace(/^(serving|eventing) /, '').toLowerCase());
    expect(used).toEqual(documentedFlags.map((f) => `${f.name}=${f.value}`.toLowerCase()));
  });

  it('when knative/private is rendered, then every Knative object is accepted with exactly the documented flags', () => {
    const report = validate(renderKustomize('knative/private'), documentedFlags);
    expect(refused(report)).toEqual([]);
    expect(report.exitCode).toBe(0);
    // Not even a warning: every container states its securityContext, so nothing rests on insecure defaults.
    expect(report.verdicts.filter((v) => v.verdict.startsWith('ok (warning')).map((v) => v.object)).toEqual([]);
    expect(judged(report)).toEqual(PRIVATE_KNATIVE_OBJECTS);
  });

  it('when knative/public is rendered, then it holds no Knative object and nothing is refused', () => {
    const report = validate(renderKustomize('knative/public'), documentedFlags);
    expect(report.exitCode).toBe(0);
    expect(report.verdicts.length).toBeGreaterThan(0);
    expect(judged(report)).toEqual([]);
  });

  it('when the sample overlay of docs/deploy.md is applied on top of knative/private, then Knative accepts it too', () => {
    const root = mkdtempSync(join(tmpdir(), 'knative-validation-'));
    try {
      const dir = join(root, 'deploy/private');
      mkdirSync(dir, { recursive: true });
      // As docs/deploy.md shows, but its `../../knative/private` is this checkout's.
      const overlay = documentedSampleOverlay().replace('../../knative/private', relative(dir, resolve('knative/private')));
      writeFileSync(join(dir, 'kustomization.yaml'), overlay);
      const yaml = renderKustomize(dir);
      expect(yaml).toContain('image: registry.example.com/internal-services-serverless:1.0.0');
      const report = validate(yaml, documentedFlags);
      expect(refused(report)).toEqual([]);
      expect(report.exitCode).toBe(0);
      expect(judged(report)).toEqual(PRIVATE_KNATIVE_OBJECTS);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('when any one of the documented flags is left at its default, then Knative refuses something in knative/private', () => {
    const yaml = renderKustomize('knative/private');
    const unneeded = documentedFlags.filter((flag) => validate(yaml, documentedFlags.filter((f) => f !== flag)).exitCode === 0);
    expect(unneeded).toEqual([]);
  });
});

describeKube('the validator refuses what Knative refuses', () => {
  beforeAll(async () => {
    validate = await knativeValidator();
  }, BUILD_TIMEOUT_MS);

  const service = (spec: string): string => `apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: fn, namespace: ns}
spec:
  template:
    spec:
${spec}`;

  it('when a Service asks for more than 1000 concurrent requests per pod, then the error names containerConcurrency', () => {
    const report = validate(service('      containerConcurrency: 1001\n      containers: [{image: registry.example.com/fn}]'));
    expect(report.exitCode).toBe(1);
    expect(report.verdicts).toEqual([{ object: 'Service/ns/fn', verdict: expect.stringContaining('spec.template.spec.containerConcurrency') }]);
  });

  it('when a Trigger filters on an attribute name CloudEvents forbids, then the error names the filter attribute', () => {
    const report = validate(`apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata: {name: t, namespace: ns}
spec:
  broker: b
  filter: {attributes: {Kind: PipelineRun}}
  subscriber: {ref: {apiVersion: serving.knative.dev/v1, kind: Service, name: fn}}`);
    expect(report.exitCode).toBe(1);
    expect(report.verdicts[0]?.verdict).toContain('spec.filter.attributes[Kind]');
  });

  it('when an object has a field its Knative type lacks, then strict decoding refuses it and names the field', () => {
    const report = validate(service('      containers: [{image: registry.example.com/fn}]\n      bogus: true'));
    expect(report.verdicts[0]?.verdict).toContain('unknown field "spec.template.spec.bogus"');
  });

  it('when a kind in a knative.dev group is not one the release knows, then it is an error, not skipped', () => {
    const report = validate('apiVersion: serving.knative.dev/v1\nkind: Servce\nmetadata: {name: fn, namespace: ns}');
    expect(report.exitCode).toBe(1);
    expect(report.verdicts[0]?.verdict).toContain('unknown Knative kind Servce');
  });

  it('when a field is behind a feature flag, then it is refused by default and accepted with the flag set', () => {
    const yaml = service('      securityContext: {runAsUser: 1000}\n      containers: [{image: registry.example.com/fn}]');
    expect(validate(yaml).verdicts[0]?.verdict).toContain('must not set the field(s): spec.template.spec.securityContext');
    const flagged = validate(yaml, [{ name: 'kubernetes.podspec-securitycontext', value: 'enabled', since: '1.0' }]);
    expect(flagged.features).toEqual(['serving kubernetes.podspec-securitycontext=Enabled']);
    // Accepted, with Serving's warning that the container's own securityContext keeps insecure defaults.
    expect(flagged.verdicts).toEqual([{ object: 'Service/ns/fn', verdict: expect.stringMatching(/^ok\b/) }]);
    expect(flagged.exitCode).toBe(0);
  });

  it('when a feature flag is named that neither Serving nor Eventing has, then the validator stops with usage error 2', () => {
    const report = validate('', [{ name: 'kubernetes.podspec-securitycontex', value: 'enabled', since: '1.0' }]);
    expect(report.exitCode).toBe(2);
    expect(report.stderr).toContain('neither Serving nor Eventing');
  });
});
