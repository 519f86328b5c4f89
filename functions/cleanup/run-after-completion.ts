import type { InternalRequest, PipelineRun } from '../../shared/api/index.js';
import { parseNamespacedName, requestOfPipelineRun } from '../../shared/core/index.js';
import type { CompletedData } from '../../shared/events/index.js';
import type { FunctionContext } from '../../shared/http/index.js';
import { findPipelineRun, readPipelineRun } from '../../shared/kube/index.js';

/**
 * The run to clean up after completion. While the request exists, its status says which run that is.
 * Once it is gone, the event's run is trusted only if that run's labels name the same request, so a forged
 * event cannot have another request's run deleted.
 */
export async function runAfterCompletion(
  { internal, settings }: FunctionContext,
  ir: InternalRequest | undefined,
  data: CompletedData,
): Promise<PipelineRun | undefined> {
  if (ir !== undefined) return findPipelineRun(internal, ir, settings.pipelineRunNamespace);
  const named = parseNamespacedName(data.pipelineRun);
  const pr = named === undefined ? undefined : await readPipelineRun(internal, named);
  const owner = pr === undefined ? undefined : requestOfPipelineRun(pr);
  return owner?.namespace === data.namespace && owner.name === data.name ? pr : undefined;
}
