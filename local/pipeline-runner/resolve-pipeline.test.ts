import { describe, expect, it } from '@jest/globals';
import { GitResolutionError } from './git-cache.js';
import type { GitFileRef } from './git-cache.js';
import { PipelineResolutionError, resolvePipeline } from './resolve-pipeline.js';
import type { TektonSources } from './resolve-ref.js';

const hello = { spec: { tasks: [{ name: 't', taskSpec: { steps: [{ script: 'true' }] } }] } };
const pipelines = new Map<string, unknown>([['team/hello', hello]]);
const gitFiles = new Map<string, string>([
  ['https://git.example/catalog.git@main:pipelines/hello.yaml', 'apiVersion: tekton.dev/v1\nkind: Pipeline\nmetadata: {name: from-git}\nspec: {tasks: [{name: t, taskSpec: {steps: [{script: "true"}]}}]}\n'],
  ['https://git.example/catalog.git@main:tasks/t.yaml', 'apiVersion: tekton.dev/v1\nkind: Task\nmetadata: {name: t}\nspec: {steps: []}\n'],
  ['https://git.example/catalog.git@main:README.md', '# Catalog\n\nNot: [a, pipeline\n'],
]);
const asked: GitFileRef[] = [];
const sources: TektonSources = {
  get: async (kind, namespace, name) => (kind === 'Pipeline' ? pipelines.get(`${namespace}/${name}`) : undefined),
  gitFile: async (ref) => {
    asked.push(ref);
    const text = gitFiles.get(`${ref.url}@${ref.revision}:${ref.pathInRepo}`);
    if (text === undefined) throw new GitResolutionError('path', `git resolver: "${ref.pathInRepo}" does not exist`);
    return text;
  },
};
const run = (spec: unknown) => ({ metadata: { name: 'r1', namespace: 'team' }, spec });
const clusterRef = (params: Array<{ name: string; value: string }>) => ({ pipelineRef: { resolver: 'cluster', params } });
const gitRef = (params: Array<{ name: string; value: string }>) => ({ pipelineRef: { resolver: 'git', params } });
const catalog = { name: 'url', value: 'https://git.example/catalog.git' };

describe('resolvePipeline', () => {
  it('when the cluster resolver names a pipeline, then it is read from the named namespace', async () => {
    const resolved = await resolvePipeline(run(clusterRef([{ name: 'kind', value: 'pipeline' }, { name: 'name', value: 'hello' }, { name: 'namespace', value: 'team' }])), sources);
    expect(resolved.name).toBe('hello');
    expect(resolved.spec.tasks[0]?.name).toBe('t');
  });

  it('when a plain pipelineRef.name is given, then the pipeline comes from the run’s namespace', async () => {
    await expect(resolvePipeline(run({ pipelineRef: { name: 'hello' } }), sources)).resolves.toMatchObject({ name: 'hello', namespace: 'team' });
  });

  it('when the run embeds a pipelineSpec, then that spec is used', async () => {
    await expect(resolvePipeline(run({ pipelineSpec: hello.spec }), sources)).resolves.toMatchObject({ name: 'r1' });
  });

  it('when the git resolver names a Pipeline file, then the Pipeline is read from it under its own name, at main by default', async () => {
    const resolved = await resolvePipeline(run(gitRef([catalog, { name: 'pathInRepo', value: 'pipelines/hello.yaml' }])), sources);
    expect(resolved).toMatchObject({ name: 'from-git', namespace: 'team' });
    expect(asked.at(-1)).toEqual({ url: 'https://git.example/catalog.git', revision: 'main', pathInRepo: 'pipelines/hello.yaml' });
  });

  it.each([
    ['the pipeline does not exist', clusterRef([{ name: 'kind', value: 'pipeline' }, { name: 'name', value: 'nope' }]), /pipelines.tekton.dev "nope" not found/],
    ['the resolver is neither cluster nor git', { pipelineRef: { resolver: 'bundles', params: [] } }, /bundles resolver is not available in the local pipeline runner \(only cluster and git\)/],
    ['the cluster resolver is asked for a task', clusterRef([{ name: 'name', value: 'hello' }]), /kind task, not pipeline/],
    ['there is no reference at all', {}, /neither pipelineRef nor pipelineSpec/],
    ['the git resolver has no url', gitRef([{ name: 'pathInRepo', value: 'p.yaml' }]), /git resolver: it needs a url param/],
    ['the git resolver has no pathInRepo', gitRef([catalog]), /git resolver: it needs a pathInRepo param/],
    ['the git file does not exist', gitRef([catalog, { name: 'pathInRepo', value: 'nope.yaml' }]), /git resolver: "nope.yaml" does not exist/],
    ['the git file holds a Task', gitRef([catalog, { name: 'pathInRepo', value: 'tasks/t.yaml' }]), /"tasks\/t.yaml" at revision "main" of https:\/\/git.example\/catalog.git is a Task \(tekton.dev\/v1\), not a tekton.dev Pipeline/],
    ['the git file is not YAML', gitRef([catalog, { name: 'pathInRepo', value: 'README.md' }]), /"README.md" at revision "main" of https:\/\/git.example\/catalog.git is not one YAML document/],
  ])('when %s, then the run cannot get its pipeline (CouldntGetPipeline)', async (_why, spec, message) => {
    const failure = resolvePipeline(run(spec), sources);
    await expect(failure).rejects.toBeInstanceOf(PipelineResolutionError);
    await expect(failure).rejects.toMatchObject({ reason: 'CouldntGetPipeline', message: expect.stringMatching(/^Error retrieving pipeline for pipelinerun team\/r1: /) });
    await expect(failure).rejects.toMatchObject({ message: expect.stringMatching(message) });
  });

  it('when the pipeline is malformed, then the run fails validation', async () => {
    pipelines.set('team/bad', { spec: { tasks: 'not a list' } });
    await expect(resolvePipeline(run({ pipelineRef: { name: 'bad' } }), sources)).rejects.toMatchObject({ reason: 'PipelineValidationFailed' });
  });

  it.each([
    ['when expressions', { name: 't', when: [{ input: 'a', operator: 'in', values: ['a'] }], taskSpec: { steps: [{ script: 'true' }] } }, /tasks\.0\.when: when expressions are not supported/],
    ['sidecars', { name: 't', taskSpec: { steps: [{ script: 'true' }], sidecars: [{ image: 'x' }] } }, /sidecars are not supported/],
  ])('when a task uses %s, then the run fails validation instead of running without them', async (_feature, task, message) => {
    pipelines.set('team/unsupported', { spec: { tasks: [task] } });
    await expect(resolvePipeline(run({ pipelineRef: { name: 'unsupported' } }), sources)).rejects.toMatchObject({
      reason: 'PipelineValidationFailed',
      message: expect.stringMatching(message),
    });
  });
});
