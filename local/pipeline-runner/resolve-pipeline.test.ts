import { describe, expect, it } from '@jest/globals';
import { PipelineResolutionError, resolvePipeline } from './resolve-pipeline.js';

const hello = { spec: { tasks: [{ name: 't', taskSpec: { steps: [{ script: 'true' }] } }] } };
const pipelines = new Map<string, unknown>([['team/hello', hello]]);
const get = async (namespace: string, name: string): Promise<unknown> => pipelines.get(`${namespace}/${name}`);
const run = (spec: unknown) => ({ metadata: { name: 'r1', namespace: 'team' }, spec });
const clusterRef = (params: Array<{ name: string; value: string }>) => ({ pipelineRef: { resolver: 'cluster', params } });

describe('resolvePipeline', () => {
  it('when the cluster resolver names a pipeline, then it is read from the named namespace', async () => {
    const resolved = await resolvePipeline(run(clusterRef([{ name: 'kind', value: 'pipeline' }, { name: 'name', value: 'hello' }, { name: 'namespace', value: 'team' }])), get);
    expect(resolved.name).toBe('hello');
    expect(resolved.spec.tasks[0]?.name).toBe('t');
  });

  it('when a plain pipelineRef.name is given, then the pipeline comes from the run’s namespace', async () => {
    await expect(resolvePipeline(run({ pipelineRef: { name: 'hello' } }), get)).resolves.toMatchObject({ name: 'hello' });
  });

  it('when the run embeds a pipelineSpec, then that spec is used', async () => {
    await expect(resolvePipeline(run({ pipelineSpec: hello.spec }), get)).resolves.toMatchObject({ name: 'r1' });
  });

  it.each([
    ['the pipeline does not exist', clusterRef([{ name: 'kind', value: 'pipeline' }, { name: 'name', value: 'nope' }]), /pipelines.tekton.dev "nope" not found/],
    ['the resolver is not cluster', { pipelineRef: { resolver: 'git', params: [] } }, /git resolver is not available/],
    ['the cluster resolver is asked for a task', clusterRef([{ name: 'name', value: 'hello' }]), /kind task, not pipeline/],
    ['there is no reference at all', {}, /neither pipelineRef nor pipelineSpec/],
  ])('when %s, then the run cannot get its pipeline (CouldntGetPipeline)', async (_why, spec, message) => {
    const failure = resolvePipeline(run(spec), get);
    await expect(failure).rejects.toBeInstanceOf(PipelineResolutionError);
    await expect(failure).rejects.toMatchObject({ reason: 'CouldntGetPipeline', message: expect.stringMatching(message) });
  });

  it('when the pipeline is malformed, then the run fails validation', async () => {
    pipelines.set('team/bad', { spec: { tasks: 'not a list' } });
    await expect(resolvePipeline(run({ pipelineRef: { name: 'bad' } }), get)).rejects.toMatchObject({ reason: 'PipelineValidationFailed' });
  });

  it.each([
    ['when expressions', { name: 't', when: [{ input: 'a', operator: 'in', values: ['a'] }], taskSpec: { steps: [{ script: 'true' }] } }, /tasks\.0\.when: when expressions are not supported/],
    ['sidecars', { name: 't', taskSpec: { steps: [{ script: 'true' }], sidecars: [{ image: 'x' }] } }, /sidecars are not supported/],
  ])('when a task uses %s, then the run fails validation instead of running without them', async (_feature, task, message) => {
    pipelines.set('team/unsupported', { spec: { tasks: [task] } });
    await expect(resolvePipeline(run({ pipelineRef: { name: 'unsupported' } }), get)).rejects.toMatchObject({
      reason: 'PipelineValidationFailed',
      message: expect.stringMatching(message),
    });
  });
});
