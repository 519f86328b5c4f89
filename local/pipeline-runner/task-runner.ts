import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../shared/observability/logger.js';
import { outputTail, runStepProcess, stepName, stepPlace } from './step-process.js';
import type { StepExit } from './step-process.js';
import { substitute, valueText } from './substitute.js';
import type { Variables } from './substitute.js';
import type { PipelineTask, Step, TaskSpec } from './tekton-types.js';

export type TaskOutcome =
  | { ok: true; results: Map<string, string> }
  | { ok: false; aborted: boolean; reason: string; message: string };

export interface TaskPlace {
  runDir: string;
  workspaceDir: (pipelineWorkspace: string) => string;
  log: Logger;
}

class TaskSetupError extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Runs one pipeline task with its taskSpec (inline, or the referenced Task's): resolves its params
 * against the pipeline's variables, runs the steps in order in a fresh directory, and reads back the
 * result files.
 */
export async function runTask(task: PipelineTask, pipelineVars: Variables, place: TaskPlace, signal: AbortSignal): Promise<TaskOutcome> {
  const taskDir = join(place.runDir, 'tasks', task.name);
  let vars: Map<string, string>;
  let spec: TaskSpec;
  try {
    spec = specOf(task);
    vars = await taskVariables(task, spec, pipelineVars, taskDir, place);
  } catch (err) {
    if (err instanceof TaskSetupError) return { ok: false, aborted: false, reason: err.reason, message: `task ${task.name}: ${err.message}` };
    throw err;
  }
  for (const [index, step] of spec.steps.entries()) {
    const resolved = resolveStep(step, index, vars);
    if (typeof resolved === 'string') return { ok: false, aborted: false, reason: 'InvalidParamValue', message: `task ${task.name}: ${resolved}` };
    const stepAt = stepPlace(taskDir, index);
    const exit = await runStepProcess(resolved, stepAt, signal);
    if (signal.aborted) return { ok: false, aborted: true, reason: 'Aborted', message: `task ${task.name} was stopped` };
    if (exit.code !== 0) {
      const message = `task ${task.name} failed: step ${stepName(step, index)} ${exitText(exit)}`;
      place.log.log('warn', message, { task: task.name, step: stepName(step, index), output: await outputTail(stepAt) });
      return { ok: false, aborted: false, reason: 'Failed', message };
    }
  }
  return { ok: true, results: await readResults(spec, taskDir) };
}

function specOf(task: PipelineTask): TaskSpec {
  if (task.taskSpec) return task.taskSpec;
  throw new TaskSetupError('CouldntGetTask', 'the task has neither taskSpec nor taskRef');
}

async function taskVariables(task: PipelineTask, spec: TaskSpec, pipelineVars: Variables, taskDir: string, place: TaskPlace): Promise<Map<string, string>> {
  // A task without steps writes nothing, so it gets no directories (nor does the run, through it).
  if (spec.steps.length > 0) await Promise.all(['results', 'scripts', 'logs', 'work'].map((sub) => mkdir(join(taskDir, sub), { recursive: true })));
  const vars = new Map<string, string>([...pipelineVars].filter(([key]) => key.startsWith('context.')));
  vars.set('context.task.name', task.name);
  vars.set('context.taskRun.name', `${pipelineVars.get('context.pipelineRun.name') ?? 'run'}-${task.name}`);
  addParams(vars, task, spec, pipelineVars);
  for (const result of spec.results ?? []) vars.set(`results.${result.name}.path`, join(taskDir, 'results', result.name));
  for (const workspace of spec.workspaces ?? []) {
    const binding = task.workspaces?.find((w) => w.name === workspace.name);
    const dir = place.workspaceDir(binding?.workspace ?? `${task.name}-${workspace.name}`);
    await mkdir(dir, { recursive: true });
    vars.set(`workspaces.${workspace.name}.path`, dir);
  }
  return vars;
}

/**
 * The task's params: the pipeline's params (propagated into inline specs only, as Tekton does), then
 * the values the pipeline task passes, then the task's own defaults for params it was not given.
 */
function addParams(vars: Map<string, string>, task: PipelineTask, spec: TaskSpec, pipelineVars: Variables): void {
  const inline = task.taskRef === undefined;
  if (inline) for (const [key, value] of pipelineVars) if (key.startsWith('params.')) vars.set(key, value);
  for (const param of task.params ?? []) {
    const { text, missing } = substitute(valueText(param.value), pipelineVars);
    if (missing.length > 0) throw new TaskSetupError('InvalidParamValue', `param ${param.name} refers to ${references(missing)}, which has no value`);
    vars.set(`params.${param.name}`, text);
  }
  for (const param of spec.params ?? []) {
    if (task.params?.some((p) => p.name === param.name)) continue;
    if (param.default !== undefined) vars.set(`params.${param.name}`, valueText(param.default));
    else if (!vars.has(`params.${param.name}`)) throw new TaskSetupError('ParameterMissing', `param ${param.name} has no value and no default`);
  }
}

/** The step with every Tekton reference replaced, or a message naming the references without a value. */
function resolveStep(step: Step, index: number, vars: Variables): Step | string {
  const missing: string[] = [];
  const sub = (text: string): string => {
    const result = substitute(text, vars);
    missing.push(...result.missing);
    return result.text;
  };
  const resolved: Step = {
    ...step,
    script: step.script === undefined ? undefined : sub(step.script),
    command: step.command?.map(sub),
    args: step.args?.map(sub),
    env: step.env?.map((e) => ({ ...e, value: e.value === undefined ? undefined : sub(e.value) })),
  };
  if (missing.length === 0) return resolved;
  return `step ${stepName(step, index)} refers to ${references(missing)}, which has no value`;
}

async function readResults(spec: TaskSpec, taskDir: string): Promise<Map<string, string>> {
  const results = new Map<string, string>();
  for (const result of spec.results ?? []) {
    try {
      results.set(result.name, await readFile(join(taskDir, 'results', result.name), 'utf8'));
    } catch {
      // A result the steps did not write stays unset, as in Tekton.
    }
  }
  return results;
}

function references(keys: string[]): string {
  return [...new Set(keys)].map((key) => `$(${key})`).join(', ');
}

function exitText(exit: StepExit): string {
  if (exit.error) return `could not start: ${exit.error}`;
  if (exit.signal) return `was killed by ${exit.signal}`;
  return `exited with code ${exit.code ?? 'unknown'}`;
}
