import { PIPELINE_RUNS, PipelineRunSchema } from '../api/index.js';
import type { InternalRequest, PipelineRun, PipelineRunManifest } from '../api/index.js';
import { pickPipelineRun, pipelineRunLookup } from '../core/index.js';
import { AlreadyExistsError, isRefusedAsInvalid } from './errors.js';
import { parseObject } from './parse-object.js';
import type { ClusterPort } from './port.js';

export async function readPipelineRun(internal: ClusterPort, ref: { namespace: string; name: string }): Promise<PipelineRun | undefined> {
  const object = await internal.get<unknown>(PIPELINE_RUNS, ref.namespace, ref.name);
  return object === undefined ? undefined : parseObject(PipelineRunSchema, object, `PipelineRun ${ref.namespace}/${ref.name}`);
}

/** The run of a request: the one its status names, else the one its labels find in `pipelineRunNamespace`. */
export async function findPipelineRun(internal: ClusterPort, ir: InternalRequest, pipelineRunNamespace: string): Promise<PipelineRun | undefined> {
  const lookup = pipelineRunLookup(ir, pipelineRunNamespace);
  if (lookup.by === 'name') return readPipelineRun(internal, lookup);
  const found = await internal.list<unknown>(PIPELINE_RUNS, lookup.namespace, { labelSelector: lookup.labelSelector });
  return pickPipelineRun(ir, found.map((pr) => parseObject(PipelineRunSchema, pr, `PipelineRun in ${lookup.namespace}`)));
}

export type CreateResult = { outcome: 'created' | 'exists' } | { outcome: 'refused'; refusal: string };

/**
 * Creates the run; one that exists already is the same run (its name comes from the request's uid).
 * A run the cluster refuses as invalid is `refused`, with the server's reason, so the request can fail
 * with it instead of being retried until its event is dead-lettered.
 */
export async function createPipelineRun(internal: ClusterPort, manifest: PipelineRunManifest): Promise<CreateResult> {
  try {
    await internal.create(PIPELINE_RUNS, manifest.metadata.namespace, manifest);
    return { outcome: 'created' };
  } catch (err) {
    if (err instanceof AlreadyExistsError) return { outcome: 'exists' };
    if (isRefusedAsInvalid(err)) return { outcome: 'refused', refusal: err.detail || `${err.code} ${err.reason}`.trim() };
    throw err;
  }
}
