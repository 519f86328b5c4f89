import { join } from 'node:path';
import type { Logger } from '../../shared/observability/logger.js';
import { PipelineResolutionError } from './resolve-pipeline.js';
import type { TektonSources } from './resolve-ref.js';
import { resolveTaskRefs } from './resolve-task.js';
import { substitute, valueText } from './substitute.js';
import { InvalidTaskGraphError, orderTasks } from './task-order.js';
import { runTask } from './task-runner.js';
import type { TaskPlace } from './task-runner.js';
import type { Param, PipelineSpec, PipelineTask } from './tekton-types.js';

export interface PipelineOutcome {
  succeeded: boolean;
  aborted: boolean; // stopped through the signal; the caller knows why (cancel, timeout, deletion)
  reason: string; // Succeeded, Failed, ParameterMissing, PipelineValidationFailed, CouldntGetTask, …
  message: string;
  results: Array<{ name: string; value: string }>;
  ranTasks: string[]; // pipeline task names that were started, in order
}

export interface PipelineExecution {
  spec: PipelineSpec;
  pipelineName: string;
  /** The Pipeline's namespace, for messages (the run's, unless it was read from another). */
  pipelineNamespace: string;
  /** Where `taskRef`s are followed to. */
  sources: TektonSources;
  run: { name: string; namespace: string; uid: string };
  params: Param[];
  runDir: string;
  signal: AbortSignal;
  log: Logger;
}

interface Tally {
  vars: Map<string, string>;
  ranTasks: string[];
  completed: number;
  failed: number;
  failure?: { reason: string; message: string };
}

/**
 * Resolves the tasks' `taskRef`s, then runs the pipeline's tasks one at a time in dependency order,
 * stopping at the first failure, then its `finally` tasks (unless stopped), and computes the pipeline
 * results from the task results.
 */
export async function executePipeline(x: PipelineExecution): Promise<PipelineOutcome> {
  const vars = pipelineVariables(x);
  if (typeof vars === 'string') return outcome(x, emptyTally(new Map()), { reason: 'ParameterMissing', message: vars });
  const planned = await plan(x, vars);
  if (!('tasks' in planned)) return outcome(x, emptyTally(vars), planned.failure, planned.aborted);
  const tally = emptyTally(vars);
  const place: TaskPlace = { runDir: x.runDir, workspaceDir: (name) => join(x.runDir, 'workspaces', name), log: x.log };
  const mainStopped = await runInOrder(planned.tasks, tally, place, x.signal, true);
  const finallyStopped = mainStopped || (await runInOrder(planned.finally, tally, place, x.signal, false));
  return outcome(x, tally, tally.failure, finallyStopped, planned.tasks.length + planned.finally.length);
}

type Plan = { tasks: PipelineTask[]; finally: PipelineTask[] } | { failure?: { reason: string; message: string }; aborted: boolean };

/** The tasks in the order they run and the finally tasks, each with its Task spec; or why there are none. */
async function plan(x: PipelineExecution, vars: Map<string, string>): Promise<Plan> {
  try {
    const context = { pipeline: `${x.pipelineNamespace}/${x.pipelineName}`, runNamespace: x.run.namespace, sources: x.sources, signal: x.signal };
    const tasks = await resolveTaskRefs(orderTasks(x.spec.tasks), vars, context);
    return { tasks, finally: await resolveTaskRefs(x.spec.finally ?? [], vars, context) };
  } catch (err) {
    if (x.signal.aborted) return { aborted: true };
    if (err instanceof InvalidTaskGraphError) return { failure: { reason: 'PipelineValidationFailed', message: err.message }, aborted: false };
    if (err instanceof PipelineResolutionError) return { failure: { reason: err.reason, message: err.message }, aborted: false };
    throw err;
  }
}

/** Returns true when the signal stopped the run. `finally` tasks all run, whatever failed before. */
async function runInOrder(tasks: PipelineTask[], tally: Tally, place: TaskPlace, signal: AbortSignal, stopOnFailure: boolean): Promise<boolean> {
  for (const task of tasks) {
    if (tally.failure && stopOnFailure) break;
    if (signal.aborted) return true;
    tally.ranTasks.push(task.name);
    const result = await runTask(task, tally.vars, place, signal);
    if (!result.ok && result.aborted) return true;
    if (!result.ok) {
      tally.failed += 1;
      tally.failure ??= { reason: result.reason, message: result.message };
      continue;
    }
    tally.completed += 1;
    for (const [name, value] of result.results) tally.vars.set(`tasks.${task.name}.results.${name}`, value);
  }
  return false;
}

function pipelineVariables(x: PipelineExecution): Map<string, string> | string {
  const given = new Map(x.params.map((p) => [p.name, p.value]));
  const vars = new Map<string, string>([
    ['context.pipelineRun.name', x.run.name],
    ['context.pipelineRun.namespace', x.run.namespace],
    ['context.pipelineRun.uid', x.run.uid],
    ['context.pipeline.name', x.pipelineName],
  ]);
  const missing: string[] = [];
  for (const param of x.spec.params ?? []) {
    const value = given.has(param.name) ? given.get(param.name) : param.default;
    if (value === undefined) missing.push(param.name);
    else vars.set(`params.${param.name}`, valueText(value));
  }
  if (missing.length === 0) return vars;
  return `PipelineRun ${x.run.namespace}/${x.run.name} is missing parameters required by Pipeline ${x.pipelineName}: ${missing.join(', ')}`;
}

function pipelineResults(spec: PipelineSpec, vars: Map<string, string>): Array<{ name: string; value: string }> {
  const results: Array<{ name: string; value: string }> = [];
  for (const result of spec.results ?? []) {
    const { text, missing } = substitute(valueText(result.value), vars);
    if (missing.length === 0) results.push({ name: result.name, value: text }); // results of tasks that never ran are left out
  }
  return results;
}

function outcome(x: PipelineExecution, tally: Tally, failure?: { reason: string; message: string }, aborted = false, total = 0): PipelineOutcome {
  const skipped = Math.max(0, total - tally.ranTasks.length);
  const counts = `Tasks Completed: ${tally.completed + tally.failed} (Failed: ${tally.failed}, Cancelled 0), Skipped: ${skipped}`;
  return {
    succeeded: !failure && !aborted,
    aborted,
    reason: failure?.reason ?? 'Succeeded',
    message: failure ? (tally.ranTasks.length > 0 ? `${counts}. ${failure.message}` : failure.message) : counts,
    results: pipelineResults(x.spec, tally.vars),
    ranTasks: tally.ranTasks,
  };
}

function emptyTally(vars: Map<string, string>): Tally {
  return { vars, ranTasks: [], completed: 0, failed: 0 };
}
