import type { PipelineTask } from './tekton-types.js';

export class InvalidTaskGraphError extends Error {
  override name = 'InvalidTaskGraphError';
}

const RESULT_REFERENCE = /\$\(tasks\.([^.()]+)\.results\./g;

/** The tasks a task must wait for: its `runAfter` and every task whose results its params use. */
export function dependenciesOf(task: PipelineTask): Set<string> {
  const deps = new Set(task.runAfter ?? []);
  for (const param of task.params ?? []) {
    for (const match of JSON.stringify(param.value ?? '').matchAll(RESULT_REFERENCE)) deps.add(match[1] ?? '');
  }
  return deps;
}

/**
 * A sequential schedule that respects every dependency and otherwise keeps declaration order
 * (Kahn's algorithm, always taking the earliest declared ready task). Throws on unknown names and cycles.
 */
export function orderTasks(tasks: PipelineTask[]): PipelineTask[] {
  const names = new Set(tasks.map((t) => t.name));
  const waitingOn = new Map(tasks.map((t) => [t.name, dependenciesOf(t)]));
  for (const [name, deps] of waitingOn) {
    const unknown = [...deps].filter((d) => !names.has(d));
    if (unknown.length > 0) throw new InvalidTaskGraphError(`task ${name} depends on unknown task(s) ${unknown.join(', ')}`);
  }
  const ordered: PipelineTask[] = [];
  const done = new Set<string>();
  while (ordered.length < tasks.length) {
    const next = tasks.find((t) => !done.has(t.name) && [...(waitingOn.get(t.name) ?? [])].every((d) => done.has(d)));
    if (!next) throw new InvalidTaskGraphError(`the tasks ${tasks.filter((t) => !done.has(t.name)).map((t) => t.name).join(', ')} form a cycle`);
    ordered.push(next);
    done.add(next.name);
  }
  return ordered;
}
