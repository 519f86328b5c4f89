import type { z } from 'zod';
import { PipelineSpecSchema, PipelineRunSpecSchema } from './tekton-types.js';
import type { Param, PipelineRunSpec, PipelineSpec } from './tekton-types.js';

/** Why a run could not get a usable Pipeline; `reason` is the Tekton condition reason. */
export class PipelineResolutionError extends Error {
  override name = 'PipelineResolutionError';
  constructor(
    readonly reason: 'CouldntGetPipeline' | 'PipelineValidationFailed',
    message: string,
  ) {
    super(message);
  }
}

/** Reads a Pipeline object from the cluster; undefined when it does not exist. */
export type PipelineGetter = (namespace: string, name: string) => Promise<unknown>;

export interface ResolvedPipeline {
  name: string;
  spec: PipelineSpec;
  runSpec: PipelineRunSpec;
}

/**
 * Finds the Pipeline a run refers to: an inline `pipelineSpec`, a `pipelineRef.name` in the run's
 * namespace, or the `cluster` resolver (params kind=pipeline, name, namespace). Other resolvers
 * (git, bundles, hub) need network access the local runner does not have.
 */
export async function resolvePipeline(run: { metadata: { name: string; namespace: string }; spec?: unknown }, getPipeline: PipelineGetter): Promise<ResolvedPipeline> {
  const { namespace, name: runName } = run.metadata;
  const runSpec = parse(PipelineRunSpecSchema, run.spec ?? {}, `PipelineRun ${namespace}/${runName}`);
  if (runSpec.pipelineSpec !== undefined) return { name: runName, spec: parse(PipelineSpecSchema, runSpec.pipelineSpec, 'pipelineSpec'), runSpec };
  const target = referenceOf(runSpec, namespace);
  const fail = (why: string): PipelineResolutionError =>
    new PipelineResolutionError('CouldntGetPipeline', `Error retrieving pipeline for pipelinerun ${namespace}/${runName}: ${why}`);
  if (typeof target === 'string') throw fail(target);
  const pipeline = (await getPipeline(target.namespace, target.name)) as { spec?: unknown } | undefined;
  if (!pipeline) throw fail(`pipelines.tekton.dev "${target.name}" not found in namespace ${target.namespace}`);
  return { name: target.name, spec: parse(PipelineSpecSchema, pipeline.spec ?? {}, `Pipeline ${target.namespace}/${target.name}`), runSpec };
}

/** The Pipeline's namespace and name, or why the reference cannot be followed. */
function referenceOf(spec: PipelineRunSpec, runNamespace: string): { namespace: string; name: string } | string {
  const ref = spec.pipelineRef;
  if (!ref) return 'the run has neither pipelineRef nor pipelineSpec';
  if (!ref.resolver) return ref.name ? { namespace: runNamespace, name: ref.name } : 'pipelineRef has neither name nor resolver';
  if (ref.resolver !== 'cluster') return `the ${ref.resolver} resolver is not available in the local pipeline runner (only cluster)`;
  const params = new Map((ref.params ?? []).map((p: Param) => [p.name, typeof p.value === 'string' ? p.value : undefined]));
  const kind = params.get('kind') ?? 'task';
  if (kind !== 'pipeline') return `the cluster resolver was asked for kind ${kind}, not pipeline`;
  const name = params.get('name');
  if (!name) return 'the cluster resolver needs a name param';
  return { namespace: params.get('namespace') ?? runNamespace, name };
}

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`).join('; ');
  throw new PipelineResolutionError('PipelineValidationFailed', `${what} is invalid: ${problems}`);
}
