/**
 * The git resolver end to end in the runner: PipelineRuns as real clients write them (`resolver: git`,
 * the catalog's URL, `pipelines/internal/<name>/<name>.yaml`), served from a local repository through
 * an `insteadOf` rule in a git configuration of the test's own.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { KubeConfig } from '@kubernetes/client-node';
import { PIPELINE_RUNS } from '../../shared/api/pipeline-run.js';
import { createClusterPort } from '../../shared/kube/client-port.js';
import type { ClusterPort } from '../../shared/kube/port.js';
import { createLogger } from '../../shared/observability/logger.js';
import { startApiServer } from '../apiserver/index.js';
import type { ApiServer } from '../apiserver/index.js';
import { startPipelineRunner, TASKS } from './index.js';
import type { PipelineRunner } from './index.js';
import { CATALOG_URL, clusterTaskRef, createGitCatalog, gitTaskRef, greetPipeline, greetTask, UNREACHABLE_URL } from './testing.js';
import type { GitCatalog } from './testing.js';

interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
}
interface Run {
  status?: { conditions?: Condition[]; results?: Array<{ name: string; value: string }> };
}

const HELLO = 'pipelines/internal/hello/hello.yaml';
let server: ApiServer;
let port: ClusterPort;
let runner: PipelineRunner;
let catalog: GitCatalog;
let firstRelease: string; // the commit tagged v1, whose greet Task says Hello
let stopped = false;

beforeAll(async () => {
  catalog = await createGitCatalog();
  firstRelease = await catalog.commit({ [HELLO]: greetPipeline('hello'), 'tasks/greet/greet.yaml': greetTask('Hello') }, 'hello');
  await catalog.git('tag', 'v1');
  await catalog.commit(
    {
      'tasks/greet/greet.yaml': greetTask('Hi'),
      'pipelines/internal/missing-task/missing-task.yaml': greetPipeline('missing-task', gitTaskRef('tasks/nope/nope.yaml')),
      'pipelines/internal/cluster-task/cluster-task.yaml': greetPipeline('cluster-task', clusterTaskRef('greet', 'tenant')),
    },
    'hi',
  );
  server = await startApiServer({ name: 'internal', crdFiles: ['local/crds/tekton.yaml'], namespaces: ['tenant'] });
  const kc = new KubeConfig();
  kc.loadFromString(server.kubeconfig());
  port = createClusterPort(kc, 'internal');
  runner = startPipelineRunner({ kubeconfig: kc, gitEnv: catalog.env, log: createLogger({}, { write: () => undefined }) });
  await runner.synced;
});
afterAll(async () => {
  if (!stopped) await runner.stop();
  await server.stop();
  await catalog.remove();
});

const gitRef = (pathInRepo: string, revision = 'main', url = CATALOG_URL) => ({
  resolver: 'git',
  params: [
    { name: 'url', value: url },
    { name: 'revision', value: revision },
    { name: 'pathInRepo', value: pathInRepo },
  ],
});

/** Creates the run and waits for it to finish; its Succeeded condition and results. */
async function runToEnd(name: string, pipelineRef: object, taskGitRevision = 'main'): Promise<{ condition: Condition | undefined; results: unknown }> {
  const params = [{ name: 'who', value: 'world' }, { name: 'taskGitRevision', value: taskGitRevision }];
  await port.create(PIPELINE_RUNS, 'tenant', { apiVersion: 'tekton.dev/v1', kind: 'PipelineRun', metadata: { name, namespace: 'tenant' }, spec: { pipelineRef, params } });
  const deadline = Date.now() + 20_000;
  for (;;) {
    const run = await port.get<Run>(PIPELINE_RUNS, 'tenant', name);
    const condition = run?.status?.conditions?.find((c) => c.type === 'Succeeded');
    if (condition && condition.status !== 'Unknown') return { condition, results: run?.status?.results };
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${name}: ${JSON.stringify(run?.status)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('local pipeline runner: the git resolver', () => {
  it('when the Pipeline and its Task come from the catalog through git, then the run succeeds with the Task’s result', async () => {
    const { condition, results } = await runToEnd('git-hello', gitRef(HELLO));
    expect(condition).toMatchObject({ status: 'True', reason: 'Succeeded' });
    expect(results).toEqual([{ name: 'message', value: 'Hi, world!' }]);
  });

  it('when the revisions are a commit id and a tag, then the Pipeline and Task are read as they were there', async () => {
    const { condition, results } = await runToEnd('git-pinned', gitRef(HELLO, firstRelease), 'v1');
    expect(condition).toMatchObject({ status: 'True', reason: 'Succeeded' });
    expect(results).toEqual([{ name: 'message', value: 'Hello, world!' }]);
  });

  it('when the Task comes from the cluster through the cluster resolver, then the run uses it', async () => {
    await port.create(TASKS, 'tenant', { apiVersion: 'tekton.dev/v1', kind: 'Task', metadata: { name: 'greet', namespace: 'tenant' }, spec: {
      params: [{ name: 'who' }],
      results: [{ name: 'message' }],
      steps: [{ name: 'say', script: 'printf "Hello from the cluster, %s!" "$(params.who)" > "$(results.message.path)"' }],
    } });
    const { condition, results } = await runToEnd('cluster-task', gitRef('pipelines/internal/cluster-task/cluster-task.yaml'));
    expect(condition).toMatchObject({ status: 'True', reason: 'Succeeded' });
    expect(results).toEqual([{ name: 'message', value: 'Hello from the cluster, world!' }]);
  });

  it.each([
    ['the URL cannot be fetched', 'no-url', gitRef(HELLO, 'main', UNREACHABLE_URL), `git resolver: cannot fetch ${UNREACHABLE_URL}: `],
    ['the revision does not exist', 'no-revision', gitRef(HELLO, 'no-such-branch'), `git resolver: revision "no-such-branch" not found in ${CATALOG_URL}`],
    ['the path does not exist', 'no-path', gitRef('pipelines/internal/nope/nope.yaml'), 'git resolver: "pipelines/internal/nope/nope.yaml" does not exist at revision "main" ('],
  ])('when %s, then the run is False/CouldntGetPipeline saying so', async (_why, name, pipelineRef, message) => {
    const { condition } = await runToEnd(name, pipelineRef);
    expect(condition).toMatchObject({ status: 'False', reason: 'CouldntGetPipeline' });
    expect(condition?.message).toContain(`Error retrieving pipeline for pipelinerun tenant/${name}: ${message}`);
  });

  it.each([
    ['its revision does not exist', HELLO, 'no-such-tag', `revision "no-such-tag" not found in ${CATALOG_URL}`],
    ['its path does not exist', 'pipelines/internal/missing-task/missing-task.yaml', 'main', '"tasks/nope/nope.yaml" does not exist at revision "main"'],
  ])('when the Task’s git reference fails because %s, then the run is False/CouldntGetTask saying so', async (_why, pipelinePath, taskRevision, message) => {
    const name = `no-task-${taskRevision}`;
    const { condition } = await runToEnd(name, gitRef(pipelinePath), taskRevision);
    expect(condition).toMatchObject({ status: 'False', reason: 'CouldntGetTask' });
    expect(condition?.message).toMatch(/^Pipeline tenant\/(hello|missing-task) can't be Run; it contains Tasks that don't exist: Couldn't retrieve Task for pipeline task greet: git resolver: /);
    expect(condition?.message).toContain(message);
  });

  it('when the runner stops, then the git cache it made in the temp folder is removed', async () => {
    const caches = (await readdir(tmpdir())).filter((entry) => entry.startsWith('pipeline-runner-git-'));
    expect(caches.length).toBeGreaterThan(0);
    await runner.stop();
    stopped = true;
    const left = await readdir(tmpdir());
    expect(caches.filter((cache) => left.includes(cache))).toEqual([]);
  });
});
