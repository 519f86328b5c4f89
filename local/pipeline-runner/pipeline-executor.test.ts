import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../shared/observability/logger.js';
import { GitResolutionError } from './git-cache.js';
import { executePipeline } from './pipeline-executor.js';
import type { PipelineExecution } from './pipeline-executor.js';
import type { TektonSources } from './resolve-ref.js';
import type { PipelineSpec, PipelineTask } from './tekton-types.js';
import { PipelineSpecSchema } from './tekton-types.js';

let root: string;
beforeAll(async () => (root = await mkdtemp(join(tmpdir(), 'executor-test-'))));
afterAll(async () => rm(root, { recursive: true, force: true }));

/** Tasks in the cluster (namespace/name) and in git (url@revision:path), as the resolvers would find them. */
const clusterTasks = new Map<string, unknown>();
const gitFiles = new Map<string, string>();
const sources: TektonSources = {
  get: async (kind, namespace, name) => (kind === 'Task' ? clusterTasks.get(`${namespace}/${name}`) : undefined),
  gitFile: async ({ url, revision, pathInRepo }) => {
    const text = gitFiles.get(`${url}@${revision}:${pathInRepo}`);
    if (text === undefined) throw new GitResolutionError('path', `git resolver: ${pathInRepo} does not exist`);
    return text;
  },
};

let runs = 0;
const logLines: string[] = [];
async function execute(spec: unknown, extra: Partial<PipelineExecution> = {}) {
  runs += 1;
  const runDir = join(root, `run-${runs}`);
  return executePipeline({
    spec: PipelineSpecSchema.parse(spec) as PipelineSpec,
    pipelineName: 'p',
    pipelineNamespace: 'ns',
    sources,
    run: { name: `run-${runs}`, namespace: 'ns', uid: 'u' },
    params: [],
    runDir,
    signal: new AbortController().signal,
    log: createLogger({}, { write: (line) => logLines.push(line) }),
    ...extra,
  });
}

const scriptTask = (name: string, script: string, extra: Partial<PipelineTask> = {}): PipelineTask => ({
  name,
  taskSpec: { results: [{ name: 'out' }], steps: [{ name: 'main', image: 'ignored:latest', script }] },
  ...extra,
});

/** Whether a process still runs: gone, or a zombie waiting to be reaped, counts as not running. */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Polls `condition` until it holds or `ms` pass; resolves whether it held. */
async function within(ms: number, condition: () => boolean): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}

describe('executePipeline', () => {
  it('when tasks write results, then params, defaults and task results flow into later tasks and pipeline results', async () => {
    const spec = {
      params: [{ name: 'greeting', default: 'Hello' }, { name: 'who' }],
      tasks: [
        {
          name: 'shout',
          runAfter: ['greet'],
          params: [{ name: 'text', value: '$(tasks.greet.results.message)' }],
          taskSpec: { params: [{ name: 'text' }], results: [{ name: 'loud' }], steps: [{ script: '#!/usr/bin/env bash\nprintf "%s" "$(params.text)" | tr a-z A-Z > $(results.loud.path)' }] },
        },
        {
          name: 'greet',
          params: [{ name: 'greeting', value: '$(params.greeting)' }, { name: 'who', value: '$(params.who)' }],
          taskSpec: {
            params: [{ name: 'greeting' }, { name: 'who' }],
            results: [{ name: 'message' }],
            steps: [{ name: 'say', image: 'registry.example/ubi', script: `printf '%s, %s!' "$(params.greeting)" "$(params.who)" > "$(results.message.path)"` }],
          },
        },
      ],
      results: [
        { name: 'message', value: '$(tasks.greet.results.message)' },
        { name: 'loud', value: '$(tasks.shout.results.loud)' },
      ],
    };
    const outcome = await execute(spec, { params: [{ name: 'who', value: 'world' }] });
    expect(outcome).toEqual({
      succeeded: true,
      aborted: false,
      reason: 'Succeeded',
      message: 'Tasks Completed: 2 (Failed: 0, Cancelled 0), Skipped: 0',
      results: [
        { name: 'message', value: 'Hello, world!' },
        { name: 'loud', value: 'HELLO, WORLD!' },
      ],
      ranTasks: ['greet', 'shout'],
    });
  });

  it('when a step exits non-zero, then the run fails naming the task, step and exit code, and later tasks are skipped', async () => {
    const spec = {
      tasks: [
        scriptTask('first', 'printf ok > $(results.out.path)'),
        scriptTask('broken', 'echo about to fail; exit 3', { runAfter: ['first'] }),
        scriptTask('never', 'true', { runAfter: ['broken'] }),
      ],
      results: [{ name: 'first', value: '$(tasks.first.results.out)' }, { name: 'never', value: '$(tasks.never.results.out)' }],
    };
    const outcome = await execute(spec);
    expect(outcome).toMatchObject({
      succeeded: false,
      reason: 'Failed',
      message: 'Tasks Completed: 2 (Failed: 1, Cancelled 0), Skipped: 1. task broken failed: step main exited with code 3',
      results: [{ name: 'first', value: 'ok' }],
      ranTasks: ['first', 'broken'],
    });
    expect(JSON.parse(logLines.at(-1) ?? '{}')).toMatchObject({ level: 'warn', task: 'broken', step: 'main', output: 'about to fail\n' });
  });

  it('when a step has neither script nor command, then the task fails saying so', async () => {
    const outcome = await execute({ tasks: [{ name: 'empty', taskSpec: { steps: [{ name: 'nothing', image: 'x' }] } }] });
    expect(outcome).toMatchObject({ succeeded: false, reason: 'Failed', message: expect.stringContaining('step nothing could not start: the step has neither script nor command') });
  });

  it('when a task fails, then the finally tasks still run', async () => {
    const marker = join(root, 'finally-ran');
    const spec = { tasks: [scriptTask('broken', 'exit 1')], finally: [scriptTask('cleanup', `touch ${marker}`)] };
    const outcome = await execute(spec);
    expect(outcome.ranTasks).toEqual(['broken', 'cleanup']);
    await expect(readFile(marker, 'utf8')).resolves.toBe('');
  });

  it('when a pipeline param has no value and no default, then the run fails with ParameterMissing', async () => {
    const outcome = await execute({ params: [{ name: 'who' }], tasks: [scriptTask('t', 'true')] });
    expect(outcome).toMatchObject({ succeeded: false, reason: 'ParameterMissing', message: expect.stringContaining('who'), ranTasks: [] });
  });

  it('when a taskRef names a Task that does not exist, then the run fails with CouldntGetTask before any task runs', async () => {
    const outcome = await execute({ tasks: [scriptTask('first', 'true'), { name: 'ref', taskRef: { name: 'git-clone' } }] });
    expect(outcome).toMatchObject({
      succeeded: false,
      reason: 'CouldntGetTask',
      message: 'Pipeline ns/p can\'t be Run; it contains Tasks that don\'t exist: Couldn\'t retrieve Task for pipeline task ref: tasks.tekton.dev "git-clone" not found in namespace ns',
      ranTasks: [],
    });
  });

  it('when a taskRef names a Task in the run’s namespace, then its steps run with the params it is given and its own defaults', async () => {
    clusterTasks.set('ns/echo', {
      spec: {
        params: [{ name: 'text' }, { name: 'suffix', default: '!' }],
        results: [{ name: 'said' }],
        steps: [{ script: 'printf "%s%s" "$(params.text)" "$(params.suffix)" > $(results.said.path)' }],
      },
    });
    const spec = {
      params: [{ name: 'greeting', default: 'hi' }],
      tasks: [{ name: 'say', taskRef: { name: 'echo' }, params: [{ name: 'text', value: '$(params.greeting)' }] }],
      results: [{ name: 'said', value: '$(tasks.say.results.said)' }],
    };
    await expect(execute(spec)).resolves.toMatchObject({ succeeded: true, results: [{ name: 'said', value: 'hi!' }] });
  });

  it('when a referenced Task uses a pipeline param it does not declare, then it is not given one (only inline specs are)', async () => {
    clusterTasks.set('ns/nosy', { spec: { steps: [{ name: 'peek', script: 'echo "$(params.greeting)"' }] } });
    const outcome = await execute({ params: [{ name: 'greeting', default: 'hi' }], tasks: [{ name: 'peek', taskRef: { name: 'nosy' } }] });
    expect(outcome).toMatchObject({ succeeded: false, reason: 'InvalidParamValue', message: expect.stringContaining('step peek refers to $(params.greeting), which has no value') });
  });

  it('when taskRef params refer to pipeline params, then they are substituted before the git resolver is asked', async () => {
    gitFiles.set('https://git.example/catalog.git@v1:tasks/hello/hello.yaml', [
      'apiVersion: tekton.dev/v1',
      'kind: Task',
      'metadata: {name: hello}',
      'spec:',
      '  results: [{name: out}]',
      '  steps: [{script: "printf hello > $(results.out.path)"}]',
    ].join('\n'));
    const gitRef = { resolver: 'git', params: [{ name: 'url', value: '$(params.taskGitUrl)' }, { name: 'revision', value: '$(params.taskGitRevision)' }, { name: 'pathInRepo', value: 'tasks/hello/hello.yaml' }] };
    const spec = { params: [{ name: 'taskGitUrl' }, { name: 'taskGitRevision' }], tasks: [{ name: 'hello', taskRef: gitRef }], results: [{ name: 'out', value: '$(tasks.hello.results.out)' }] };
    const outcome = await execute(spec, { params: [{ name: 'taskGitUrl', value: 'https://git.example/catalog.git' }, { name: 'taskGitRevision', value: 'v1' }] });
    expect(outcome).toMatchObject({ succeeded: true, results: [{ name: 'out', value: 'hello' }] });
  });

  it('when a taskRef param refers to a variable with no value, then the run fails validation', async () => {
    const outcome = await execute({ tasks: [{ name: 'ref', taskRef: { resolver: 'git', params: [{ name: 'url', value: '$(params.nope)' }] } }] });
    expect(outcome).toMatchObject({ succeeded: false, reason: 'PipelineValidationFailed', message: 'pipeline task ref: taskRef param url refers to $(params.nope), which has no value' });
  });

  it('when a finally task’s Task cannot be had, then nothing runs', async () => {
    const marker = join(root, 'main-ran');
    const outcome = await execute({ tasks: [scriptTask('main', `touch ${marker}`)], finally: [{ name: 'tidy', taskRef: { resolver: 'cluster', params: [{ name: 'name', value: 'gone' }] } }] });
    expect(outcome).toMatchObject({ reason: 'CouldntGetTask', message: expect.stringContaining('Couldn\'t retrieve Task for pipeline task tidy: tasks.tekton.dev "gone" not found in namespace ns') });
    await expect(readFile(marker)).rejects.toThrow(/ENOENT/);
  });

  it('when the signal aborts while a step waits, then the step’s whole process group is killed and the run reports aborted', async () => {
    const ready = join(root, 'ready.fifo');
    const hold = join(root, 'hold.fifo');
    execFileSync('mkfifo', [ready, hold]);
    const controller = new AbortController();
    const spec = { tasks: [scriptTask('wait', `sleep 1000 & echo $! > ${ready}; cat ${hold}`), scriptTask('after', 'true', { runAfter: ['wait'] })] };
    const running = execute(spec, { signal: controller.signal });
    const sleeperPid = Number((await readFile(ready, 'utf8')).trim());
    controller.abort('Cancelled');
    const outcome = await running;
    expect(outcome).toMatchObject({ aborted: true, succeeded: false, ranTasks: ['wait'] });
    await expect(within(5_000, () => !isAlive(sleeperPid))).resolves.toBe(true);
  });
});
