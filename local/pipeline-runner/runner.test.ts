import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { PIPELINE_RUNS } from '../../shared/api/pipeline-run.js';
import { createClusterPort } from '../../shared/kube/client-port.js';
import type { ClusterPort } from '../../shared/kube/port.js';
import { createLogger } from '../../shared/observability/logger.js';
import { startApiServer } from '../apiserver/index.js';
import type { ApiServer } from '../apiserver/index.js';
import { PIPELINES, startPipelineRunner } from './index.js';
import type { PipelineRunner } from './index.js';

interface Run {
  metadata: { name: string };
  status?: {
    startTime?: string;
    completionTime?: string;
    conditions?: Array<{ type: string; status: string; reason: string; message: string }>;
    results?: Array<{ name: string; value: string }>;
    childReferences?: Array<{ name: string; pipelineTaskName: string }>;
  };
}

const CLOCK = new Date('2030-01-02T03:04:05.678Z');
let server: ApiServer;
let port: ClusterPort;
let runner: PipelineRunner;
let scratch: string;

beforeAll(async () => {
  server = await startApiServer({ name: 'internal', crdFiles: ['local/crds/tekton.yaml'], namespaces: ['tenant'] });
  const kc = new KubeConfig();
  kc.loadFromString(server.kubeconfig());
  port = createClusterPort(kc, 'internal');
  scratch = await mkdtemp(join(tmpdir(), 'runner-test-'));
  runner = startPipelineRunner({ kubeconfig: kc, now: () => CLOCK, workRoot: scratch, log: createLogger({}, { write: () => undefined }) });
  await runner.synced;
  await port.create(PIPELINES, 'default', parse(await readFile('examples/pipeline.yaml', 'utf8')) as object);
});
afterAll(async () => {
  await runner.stop();
  await server.stop();
  await rm(scratch, { recursive: true, force: true });
});

function pipelineRun(name: string, spec: object): object {
  return { apiVersion: 'tekton.dev/v1', kind: 'PipelineRun', metadata: { name, namespace: 'tenant' }, spec };
}

const clusterRef = (name: string, namespace = 'default') => ({
  resolver: 'cluster',
  params: [
    { name: 'kind', value: 'pipeline' },
    { name: 'name', value: name },
    { name: 'namespace', value: namespace },
  ],
});

async function createPipeline(name: string, tasks: object[], extra: object = {}): Promise<void> {
  await port.create(PIPELINES, 'tenant', { apiVersion: 'tekton.dev/v1', kind: 'Pipeline', metadata: { name, namespace: 'tenant' }, spec: { tasks, ...extra } });
}

const scriptTask = (name: string, script: string) => ({ name, taskSpec: { steps: [{ name: 'run', image: 'ignored', script }] } });

/** Polls the run until `predicate` holds for it, failing after a deadline. */
async function runUntil(name: string, predicate: (run: Run) => boolean, what: string): Promise<Run> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const run = await port.get<Run>(PIPELINE_RUNS, 'tenant', name);
    if (run && predicate(run)) return run;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${name} ${what}: ${JSON.stringify(run?.status)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const succeeded = (run: Run) => run.status?.conditions?.find((c) => c.type === 'Succeeded');
const done = (run: Run): boolean => ['True', 'False'].includes(succeeded(run)?.status ?? '');
const running = (run: Run): boolean => succeeded(run)?.reason === 'Running';

function fifos(...names: string[]): string[] {
  const paths = names.map((n) => join(scratch, `${n}.fifo`));
  execFileSync('mkfifo', paths);
  return paths;
}

describe('local pipeline runner', () => {
  it('when a run refers to the example Pipeline through the cluster resolver, then it succeeds with the script’s result', async () => {
    await port.create(PIPELINE_RUNS, 'tenant', pipelineRun('hello-run', { pipelineRef: clusterRef('hello'), params: [{ name: 'who', value: 'world' }] }));
    const run = await runUntil('hello-run', done, 'to finish');
    expect(run.status).toEqual({
      startTime: '2030-01-02T03:04:05Z',
      completionTime: '2030-01-02T03:04:05Z',
      conditions: [
        {
          type: 'Succeeded',
          status: 'True',
          reason: 'Succeeded',
          message: 'Tasks Completed: 1 (Failed: 0, Cancelled 0), Skipped: 0',
          lastTransitionTime: '2030-01-02T03:04:05Z',
        },
      ],
      results: [{ name: 'message', value: 'Hello, world!' }],
      childReferences: [{ apiVersion: 'tekton.dev/v1', kind: 'TaskRun', name: 'hello-run-greet', pipelineTaskName: 'greet' }],
    });
  });

  it('when a run names its Pipeline with pipelineRef.name, then the Pipeline comes from the run’s namespace', async () => {
    await createPipeline('local', [{ name: 'echo', taskSpec: { results: [{ name: 'ns' }], steps: [{ script: 'printf "%s" "$(context.pipelineRun.namespace)" > $(results.ns.path)' }] } }], {
      results: [{ name: 'ns', value: '$(tasks.echo.results.ns)' }],
    });
    await port.create(PIPELINE_RUNS, 'tenant', pipelineRun('by-name', { pipelineRef: { name: 'local' } }));
    const run = await runUntil('by-name', done, 'to finish');
    expect(run.status?.results).toEqual([{ name: 'ns', value: 'tenant' }]);
  });

  it('when a step exits 1, then the run is False/Failed with a message naming the task and exit code', async () => {
    await createPipeline('failing', [scriptTask('check', 'echo checking; exit 1')]);
    await port.create(PIPELINE_RUNS, 'tenant', pipelineRun('fails', { pipelineRef: clusterRef('failing', 'tenant') }));
    const run = await runUntil('fails', done, 'to finish');
    expect(succeeded(run)).toMatchObject({ status: 'False', reason: 'Failed', message: expect.stringContaining('task check failed: step run exited with code 1') });
    expect(run.status?.completionTime).toBe('2030-01-02T03:04:05Z');
  });

  it('when the Pipeline cannot be found, then the run is False/CouldntGetPipeline with a message', async () => {
    await port.create(PIPELINE_RUNS, 'tenant', pipelineRun('orphan', { pipelineRef: clusterRef('missing') }));
    const run = await runUntil('orphan', done, 'to finish');
    expect(succeeded(run)).toMatchObject({ status: 'False', reason: 'CouldntGetPipeline', message: expect.stringContaining('pipelines.tekton.dev "missing" not found') });
  });

  it('when spec.status is set to Cancelled while a step runs, then the step is killed and the run is False/Cancelled', async () => {
    const [ready, hold] = fifos('cancel-ready', 'cancel-hold');
    await createPipeline('waits', [scriptTask('wait', `echo $$ > ${ready}; cat ${hold}`)]);
    await port.create(PIPELINE_RUNS, 'tenant', pipelineRun('cancel-me', { pipelineRef: clusterRef('waits', 'tenant') }));
    const shellPid = Number((await readFile(ready ?? '', 'utf8')).trim());
    await runUntil('cancel-me', running, 'to run');
    await port.patch(PIPELINE_RUNS, 'tenant', 'cancel-me', { merge: { spec: { status: 'Cancelled' } } });
    const run = await runUntil('cancel-me', done, 'to stop');
    expect(succeeded(run)).toMatchObject({ status: 'False', reason: 'Cancelled', message: 'PipelineRun "cancel-me" was cancelled' });
    expect(() => process.kill(shellPid, 0)).toThrow();
  });

  it('when timeouts.pipeline passes while a step runs, then the run is False/PipelineRunTimeout', async () => {
    const [hold] = fifos('timeout-hold');
    await createPipeline('too-slow', [scriptTask('wait', `cat ${hold}`)]);
    await port.create(PIPELINE_RUNS, 'tenant', pipelineRun('times-out', { pipelineRef: clusterRef('too-slow', 'tenant'), timeouts: { pipeline: '50ms' } }));
    const run = await runUntil('times-out', done, 'to time out');
    expect(succeeded(run)).toMatchObject({ status: 'False', reason: 'PipelineRunTimeout', message: 'PipelineRun "times-out" failed to finish within "50ms"' });
  });

  it('when a run is created already cancelled, then it is marked Cancelled without running', async () => {
    const marker = join(scratch, 'never-ran');
    await createPipeline('untouched', [scriptTask('touch', `touch ${marker}`)]);
    await port.create(PIPELINE_RUNS, 'tenant', pipelineRun('born-cancelled', { pipelineRef: clusterRef('untouched', 'tenant'), status: 'Cancelled' }));
    const run = await runUntil('born-cancelled', done, 'to be marked');
    expect(succeeded(run)?.reason).toBe('Cancelled');
    await expect(readFile(marker)).rejects.toThrow(/ENOENT/);
  });

  it('when a running run is deleted, then its steps are killed', async () => {
    const [ready, hold] = fifos('delete-ready', 'delete-hold');
    await createPipeline('deleted', [scriptTask('wait', `echo $$ > ${ready}; cat ${hold}`)]);
    await port.create(PIPELINE_RUNS, 'tenant', pipelineRun('delete-me', { pipelineRef: clusterRef('deleted', 'tenant') }));
    const shellPid = Number((await readFile(ready ?? '', 'utf8')).trim());
    await port.delete(PIPELINE_RUNS, 'tenant', 'delete-me');
    await runner.idle();
    expect(() => process.kill(shellPid, 0)).toThrow();
  });
});
