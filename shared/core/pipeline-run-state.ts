import type { PipelineRun } from '../api/index.js';

/** A run as far as its conditions go: a parsed PipelineRun, or the one the local runner watches unparsed. */
interface WithRunConditions<C> {
  status?: { conditions?: readonly C[] | undefined } | undefined;
}

export function findPipelineRunCondition<C extends { type?: string }>(pr: WithRunConditions<C>): C | undefined {
  return pr.status?.conditions?.find((condition) => condition.type === 'Succeeded');
}

/** Done = the Succeeded condition is no longer Unknown, whatever the reason. */
export function isPipelineRunDone(pr: WithRunConditions<{ type?: string; status?: string }>): boolean {
  const condition = findPipelineRunCondition(pr);
  return condition !== undefined && condition.status !== 'Unknown';
}

/** Success = status True, whatever the reason (`Completed` means success with skipped tasks). */
export function hasPipelineRunSucceeded(pr: PipelineRun): boolean {
  return findPipelineRunCondition(pr)?.status === 'True';
}

/** The run's string results; array and object results have no place in the request's string map. */
export function stringResults(pr: PipelineRun): Record<string, string> {
  const results: Record<string, string> = {};
  for (const { name, value } of pr.status?.results ?? []) {
    if (typeof value === 'string') results[name] = value;
  }
  return results;
}

/** `<namespace>/<name>` of a run, or of what is known of one that is gone. */
export function namespacedName(pr: { metadata: { namespace: string; name: string } }): string {
  return `${pr.metadata.namespace}/${pr.metadata.name}`;
}
