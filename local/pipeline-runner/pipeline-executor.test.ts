import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../shared/observability/logger.js';
import { executePipeline } from './pipeline-executor.js';
import type { PipelineExecution } from './pipeline-executor.js';
import type { PipelineSpec, PipelineTask } from './tekton-types.js';
import { PipelineSpecSchema } from './tekton-types.js';

let root: string;
beforeAll(async () => (root = await mkdtemp(join(tmpdir(), 'executor-test-'))));
afterAll(async () => rm(root, { recursive: true, force: true }));

let runs = 0;
const logLines: string[] = [];
async function execute(spec: unknown, extra: Partial<PipelineExecution> = {}) {
  runs += 1;
  const runDir = join(root, `run-${runs}`);
  return executePipeline({
    spec: PipelineSpecSchema.parse(spec) as PipelineSpec,
    pipelineName: 'p',
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

  it('when a task refers to a Task by taskRef, then the run fails with CouldntGetTask', async () => {
    const outcome = await execute({ tasks: [{ name: 'ref', taskRef: { name: 'git-clone' } }] });
    expect(outcome).toMatchObject({ succeeded: false, reason: 'CouldntGetTask', message: expect.stringContaining('taskRef') });
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
