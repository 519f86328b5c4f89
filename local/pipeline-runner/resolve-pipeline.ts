import type { z } from 'zod';
import { fetchReferenced, UnresolvableRefError } from './resolve-ref.js';
import type { TektonSources } from './resolve-ref.js';
import { PipelineSpecSchema, PipelineRunSpecSchema } from './tekton-types.js';
import type { PipelineRunSpec, PipelineSpec } from './tekton-types.js';

/** Why a run could not get a usable Pipeline or Task; `reason` is the Tekton condition reason. */
export class PipelineResolutionError extends Error {
  override name = 'PipelineResolutionError';
  constructor(
    readonly reason: 'CouldntGetPipeline' | 'CouldntGetTask' | 'PipelineValidationFailed',
    message: string,
  ) {
    super(message);
  }
}

export interface ResolvedPipeline {
  name: string;
  /** The Pipeline's namespace as Tekton names it in messages: the run's, unless read from another. */
  namespace: string;
  spec: PipelineSpec;
  runSpec: PipelineRunSpec;
}

/**
 * Finds the Pipeline a run refers to: an inline `pipelineSpec`, a `pipelineRef.name` in the run's
 * namespace, or a resolver (cluster or git, see resolve-ref). A reference that cannot be followed fails
 * the run with CouldntGetPipeline, as Tekton fails a resolution.
 */
export async function resolvePipeline(
  run: { metadata: { name: string; namespace: string }; spec?: unknown },
  sources: TektonSources,
  signal?: AbortSignal,
): Promise<ResolvedPipeline> {
  const { namespace, name: runName } = run.metadata;
  const runSpec = parse(PipelineRunSpecSchema, run.spec ?? {}, `PipelineRun ${namespace}/${runName}`);
  if (runSpec.pipelineSpec !== undefined) return { name: runName, namespace, spec: parse(PipelineSpecSchema, runSpec.pipelineSpec, 'pipelineSpec'), runSpec };
  const fail = (why: string): PipelineResolutionError =>
    new PipelineResolutionError('CouldntGetPipeline', `Error retrieving pipeline for pipelinerun ${namespace}/${runName}: ${why}`);
  if (!runSpec.pipelineRef) throw fail('the run has neither pipelineRef nor pipelineSpec');
  try {
    const found = await fetchReferenced('Pipeline', runSpec.pipelineRef, namespace, sources, signal);
    return { name: found.name, namespace: found.namespace, spec: parse(PipelineSpecSchema, found.spec, found.origin), runSpec };
  } catch (err) {
    if (err instanceof UnresolvableRefError) throw fail(err.message);
    throw err;
  }
}

/** The value as `schema` reads it; PipelineValidationFailed naming each problem otherwise. */
export function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`).join('; ');
  throw new PipelineResolutionError('PipelineValidationFailed', `${what} is invalid: ${problems}`);
}
