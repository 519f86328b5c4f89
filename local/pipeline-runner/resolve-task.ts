import { parse, PipelineResolutionError } from './resolve-pipeline.js';
import { fetchReferenced, UnresolvableRefError } from './resolve-ref.js';
import type { TektonSources } from './resolve-ref.js';
import { substitute } from './substitute.js';
import type { Variables } from './substitute.js';
import { TaskSpecSchema } from './tekton-types.js';
import type { PipelineTask, Ref } from './tekton-types.js';

export interface TaskRefContext {
  /** The Pipeline as `<namespace>/<name>`, for messages. */
  pipeline: string;
  runNamespace: string;
  sources: TektonSources;
  signal?: AbortSignal;
}

/**
 * The pipeline tasks with every `taskRef` replaced by the Task's spec (the ref kept, so that the task
 * runner knows the spec was not inline). Ref params are substituted first: catalog Pipelines pass
 * `$(params.taskGitUrl)` and `$(params.taskGitRevision)` to the git resolver. As in Tekton, all are
 * resolved before any task runs, and one that cannot be had fails the run with CouldntGetTask.
 */
export async function resolveTaskRefs(tasks: PipelineTask[], vars: Variables, context: TaskRefContext): Promise<PipelineTask[]> {
  const resolved: PipelineTask[] = [];
  for (const task of tasks) resolved.push(await resolveTaskRef(task, vars, context)); // one by one: the first failure is the one reported
  return resolved;
}

async function resolveTaskRef(task: PipelineTask, vars: Variables, context: TaskRefContext): Promise<PipelineTask> {
  if (task.taskSpec || !task.taskRef) return task;
  const ref = substitutedRef(task, task.taskRef, vars);
  try {
    const found = await fetchReferenced('Task', ref, context.runNamespace, context.sources, context.signal);
    return { ...task, taskSpec: parse(TaskSpecSchema, found.spec, `${found.origin} (pipeline task ${task.name})`) };
  } catch (err) {
    if (!(err instanceof UnresolvableRefError)) throw err;
    throw new PipelineResolutionError(
      'CouldntGetTask',
      `Pipeline ${context.pipeline} can't be Run; it contains Tasks that don't exist: Couldn't retrieve Task for pipeline task ${task.name}: ${err.message}`,
    );
  }
}

function substitutedRef(task: PipelineTask, ref: Ref, vars: Variables): Ref {
  const params = (ref.params ?? []).map((param) => {
    if (typeof param.value !== 'string') return param;
    const { text, missing } = substitute(param.value, vars);
    if (missing.length > 0) {
      const names = [...new Set(missing)].map((key) => `$(${key})`).join(', ');
      throw new PipelineResolutionError('PipelineValidationFailed', `pipeline task ${task.name}: taskRef param ${param.name} refers to ${names}, which has no value`);
    }
    return { ...param, value: text };
  });
  return { ...ref, params };
}
