import { describe, expect, it } from '@jest/globals';
import { aPipelineRun, anInternalRequest, REQUEST_UID } from '../api/testing.js';
import { belongsTo, parseNamespacedName, pickPipelineRun, pipelineRunLookup, requestOfPipelineRun, requestUidOfRun } from './pipeline-run-lookup.js';

const OWN_RUN = `internal-services/internalrequest-${REQUEST_UID}`;

describe('Lookup of "the PipelineRun of this IR": status.pipelineRun first, else by the name/namespace labels', () => {
  it.each([
    { name: 'in another namespace than the pipeline-run one', recorded: 'elsewhere/internalrequest-abcde', namespace: 'elsewhere' },
    { name: 'in the namespace runs lived in before PIPELINE_RUN_NAMESPACE was set (a run in flight across the upgrade)', recorded: 'internal-services/internalrequest-abcde', namespace: 'internal-services' },
  ])('when status.pipelineRun names a run $name, then the run is fetched by that name, there', ({ recorded, namespace }) => {
    const ir = anInternalRequest({ status: { pipelineRun: recorded } });
    expect(pipelineRunLookup(ir, 'internal-services-pipelines')).toEqual({ by: 'name', namespace, name: 'internalrequest-abcde' });
  });

  it('when it is not set, then the runs are listed by the name and namespace labels in the pipeline-run namespace', () => {
    expect(pipelineRunLookup(anInternalRequest(), 'internal-services-pipelines')).toEqual({
      by: 'labels',
      namespace: 'internal-services-pipelines',
      labelSelector: 'internal-services.appstudio.openshift.io/name=hello,internal-services.appstudio.openshift.io/namespace=tenant',
    });
  });

  it('a PipelineRun names its request through the same labels', () => {
    expect(requestOfPipelineRun(aPipelineRun())).toEqual({ namespace: 'tenant', name: 'hello' });
    expect(requestOfPipelineRun(aPipelineRun({ labels: {} }))).toBeUndefined();
  });

  const malformed = ['', 'a', 'a/', '/b', 'a/b/c'];
  it.each(malformed)('"%s" is no namespaced name', (value) => {
    expect(parseNamespacedName(value)).toBeUndefined();
  });
});

describe('A run belongs to a request only when nothing contradicts it', () => {
  const table = [
    { name: 'its own uid-named run', run: aPipelineRun(), status: {}, belongs: true },
    { name: 'the run recorded in status.pipelineRun', run: aPipelineRun(), status: { pipelineRun: OWN_RUN }, belongs: true },
    { name: 'a run of another request (labels differ)', run: aPipelineRun({ labels: { 'internal-services.appstudio.openshift.io/name': 'other', 'internal-services.appstudio.openshift.io/namespace': 'tenant' } }), status: {}, belongs: false },
    { name: 'a run other than the one recorded', run: aPipelineRun(), status: { pipelineRun: 'internal-services/internalrequest-zzzzz' }, belongs: false },
    { name: 'the run of an earlier request with the same name (other uid)', run: aPipelineRun({ name: 'internalrequest-11111111-2222-3333-4444-555555555555' }), status: {}, belongs: false },
    { name: 'a run the reference controller created (generateName)', run: aPipelineRun({ name: 'internalrequest-x7k2p' }), status: {}, belongs: true },
  ];
  it.each(table)('$name → $belongs', ({ run, status, belongs }) => {
    expect(belongsTo(run, anInternalRequest({ status }))).toBe(belongs);
  });

  it('pickPipelineRun chooses the run that belongs among label matches', () => {
    const stale = aPipelineRun({ name: 'internalrequest-11111111-2222-3333-4444-555555555555' });
    const own = aPipelineRun();
    expect(pickPipelineRun(anInternalRequest(), [stale, own])).toBe(own);
    expect(pickPipelineRun(anInternalRequest(), [stale])).toBeUndefined();
  });
});

describe('The uid of the request a run was created for', () => {
  it.each([
    { name: 'a run named after a request uid → that uid', run: aPipelineRun(), uid: REQUEST_UID },
    { name: 'a run the reference controller created (generateName) → unknown', run: aPipelineRun({ name: 'internalrequest-x7k2p' }), uid: undefined },
  ])('$name', ({ run, uid }) => {
    expect(requestUidOfRun(run)).toBe(uid);
  });
});
