import { describe, expect, it } from '@jest/globals';
import { aConfigSpec, anInternalRequest, REQUEST_UID } from '../api/testing.js';
import type { RequestParts } from '../api/testing.js';
import { buildPipelineRun, pipelineRunName } from './pipeline-run-builder.js';

const PIPELINE_RUN_NAMESPACE = 'internal-services-pipelines';

function build(parts: RequestParts = {}, config = aConfigSpec()): ReturnType<typeof buildPipelineRun> {
  return buildPipelineRun(anInternalRequest(parts), config, PIPELINE_RUN_NAMESPACE);
}

function cluster(params: Array<{ name: string; value: string }>): RequestParts {
  return { spec: { pipeline: { pipelineRef: { resolver: 'cluster', params } } } };
}

describe('The PipelineRun (on the internal cluster, (better) in a namespace of its own, not the config\'s)', () => {
  it('is created in the pipeline-run namespace it is given as a tekton.dev/v1 PipelineRun', () => {
    const run = build();
    expect(run).toMatchObject({ apiVersion: 'tekton.dev/v1', kind: 'PipelineRun', metadata: { namespace: PIPELINE_RUN_NAMESPACE } });
    expect(buildPipelineRun(anInternalRequest(), aConfigSpec(), 'elsewhere').metadata.namespace).toBe('elsewhere');
  });

  it('(better) has a deterministic name derived from the IR uid, so duplicate deliveries cannot create a second run', () => {
    expect(build().metadata.name).toBe(`internalrequest-${REQUEST_UID}`);
    expect(build().metadata.name).toBe(pipelineRunName(REQUEST_UID));
    expect(build()).toEqual(build());
  });

  it('Labels: every label of the InternalRequest, then the system labels, which win', () => {
    const labels = {
      'internal-services.appstudio.openshift.io/pipelinerun-uid': 'abc',
      'internal-services.appstudio.openshift.io/name': 'forged',
      'internal-services.appstudio.openshift.io/namespace': 'forged',
      'pipelines.appstudio.openshift.io/type': 'build',
    };
    expect(build({ metadata: { labels } }).metadata.labels).toEqual({
      'internal-services.appstudio.openshift.io/pipelinerun-uid': 'abc',
      'internal-services.appstudio.openshift.io/name': 'hello',
      'internal-services.appstudio.openshift.io/namespace': 'tenant',
      'pipelines.appstudio.openshift.io/type': 'release',
    });
  });

  it('Annotations (operator-lib owner convention): primary-resource and primary-resource-type', () => {
    expect(build().metadata.annotations).toEqual({
      'operator-sdk/primary-resource': 'tenant/hello',
      'operator-sdk/primary-resource-type': 'InternalRequest.appstudio.redhat.com',
    });
  });

  it('spec.pipelineRef = {resolver, params} from spec.pipeline.pipelineRef (non-cluster resolvers as given)', () => {
    const params = [
      { name: 'url', value: 'https://github.com/org/catalog.git' },
      { name: 'revision', value: 'main' },
      { name: 'pathInRepo', value: 'pipelines/push.yaml' },
      { name: 'namespace', value: 'kept-for-git' },
    ];
    expect(build({ spec: { pipeline: { pipelineRef: { resolver: 'git', params } } } }).spec.pipelineRef).toEqual({ resolver: 'git', params });
  });

  it('For resolver cluster, add namespace = the IR namespace and kind = pipeline', () => {
    expect(build(cluster([{ name: 'name', value: 'hello' }])).spec.pipelineRef).toEqual({
      resolver: 'cluster',
      params: [
        { name: 'name', value: 'hello' },
        { name: 'namespace', value: 'tenant' },
        { name: 'kind', value: 'pipeline' },
      ],
    });
  });

  describe("(better) any user-given namespace or kind param is replaced, not duplicated: no other namespace's Pipeline", () => {
    const forced = [
      { name: 'name', value: 'hello' },
      { name: 'namespace', value: 'tenant' },
      { name: 'kind', value: 'pipeline' },
    ];
    it.each([
      { behaviour: 'lowercase namespace and kind', namespace: 'namespace', kind: 'kind' },
      { behaviour: 'namespace and kind in other cases, which Tekton takes for the same names', namespace: 'Namespace', kind: 'KIND' },
      { behaviour: 'mixed case', namespace: 'nameSPACE', kind: 'Kind' },
    ])('$behaviour', ({ namespace, kind }) => {
      const params = [
        { name: namespace, value: 'someone-else' },
        { name: 'name', value: 'hello' },
        { name: kind, value: 'task' },
      ];
      expect(build(cluster(params)).spec.pipelineRef.params).toEqual(forced);
    });

    it.each(['Namespace', 'NAMESPACE', 'Kind', 'KIND'])('%s alone is replaced too', (name) => {
      expect(build(cluster([{ name: 'name', value: 'hello' }, { name, value: 'x' }])).spec.pipelineRef.params).toEqual(forced);
    });
  });

  it('spec.params from spec.params (string type)', () => {
    expect(build({ spec: { params: { who: 'world', greeting: 'Hi' } } }).spec.params).toEqual([
      { name: 'who', value: 'world' },
      { name: 'greeting', value: 'Hi' },
    ]);
    expect(build().spec.params).toEqual([]);
  });

  it('spec.timeouts from spec.timeouts when set, and absent otherwise', () => {
    expect(build({ spec: { timeouts: { pipeline: '2h0m0s', tasks: '1h0m0s' } } }).spec.timeouts).toEqual({ pipeline: '2h0m0s', tasks: '1h0m0s' });
    expect(build().spec).not.toHaveProperty('timeouts');
  });

  it('spec.serviceAccount becomes spec.taskRunTemplate.serviceAccountName (empty = Tekton default)', () => {
    expect(build({ spec: { serviceAccount: 'release-sa' } }).spec.taskRunTemplate).toEqual({ serviceAccountName: 'release-sa' });
    expect(build().spec).not.toHaveProperty('taskRunTemplate');
  });

  it('spec.workspaces = one binding named volumeClaim.name with a volumeClaimTemplate (ReadWriteOnce, volumeClaim.size)', () => {
    const config = aConfigSpec({ volumeClaim: { name: 'data', size: '5Gi' } });
    expect(build({}, config).spec.workspaces).toEqual([
      { name: 'data', volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } } } } },
    ]);
    expect(build().spec.workspaces[0]?.name).toBe('workspace');
    expect(build().spec.workspaces[0]?.volumeClaimTemplate.spec.resources.requests.storage).toBe('1Gi');
  });
});
