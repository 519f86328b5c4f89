import { REQUEST_NAME_LABEL, REQUEST_NAMESPACE_LABEL } from '../api/index.js';
import type { InternalRequest, PipelineRun } from '../api/index.js';
import { PIPELINE_RUN_NAME_PREFIX, pipelineRunName } from './pipeline-run-builder.js';
import { namespacedName } from './pipeline-run-state.js';

export interface NamespacedName {
  namespace: string;
  name: string;
}

/** How to find the PipelineRun of a request: by the name in its status, else by the request labels. */
export type PipelineRunLookup =
  | ({ by: 'name' } & NamespacedName)
  | { by: 'labels'; namespace: string; labelSelector: string };

export function parseNamespacedName(value: string): NamespacedName | undefined {
  const [namespace, name, ...rest] = value.split('/');
  if (namespace === undefined || name === undefined || rest.length > 0) return undefined;
  if (namespace === '' || name === '') return undefined;
  return { namespace, name };
}

export function requestLabelSelector(ir: InternalRequest): string {
  return `${REQUEST_NAME_LABEL}=${ir.metadata.name},${REQUEST_NAMESPACE_LABEL}=${ir.metadata.namespace}`;
}

/**
 * The recorded name wins wherever it points, so a run created before the pipeline-run namespace changed
 * is still found where it is (ADR 0011); only a request that recorded none is looked for in
 * `pipelineRunNamespace`.
 */
export function pipelineRunLookup(ir: InternalRequest, pipelineRunNamespace: string): PipelineRunLookup {
  const recorded = parseNamespacedName(ir.status?.pipelineRun ?? '');
  if (recorded !== undefined) return { by: 'name', ...recorded };
  return { by: 'labels', namespace: pipelineRunNamespace, labelSelector: requestLabelSelector(ir) };
}

/** The request a PipelineRun was created for, read from its labels. */
export function requestOfPipelineRun(pr: PipelineRun): NamespacedName | undefined {
  const name = pr.metadata.labels?.[REQUEST_NAME_LABEL];
  const namespace = pr.metadata.labels?.[REQUEST_NAMESPACE_LABEL];
  return name === undefined || namespace === undefined ? undefined : { namespace, name };
}

const DETERMINISTIC_NAME = new RegExp(`^${PIPELINE_RUN_NAME_PREFIX}[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$`);

/**
 * Whether a PipelineRun is the one of this request. Labels alone are not enough: a request deleted and
 * created again under the same name would inherit the old run, so a run named after a uid must be
 * named after this uid, and a run recorded in the status is the only one that counts.
 */
export function belongsTo(pr: PipelineRun, ir: InternalRequest): boolean {
  const owner = requestOfPipelineRun(pr);
  if (owner?.name !== ir.metadata.name || owner.namespace !== ir.metadata.namespace) return false;
  const recorded = ir.status?.pipelineRun;
  if (recorded !== undefined) return recorded === namespacedName(pr);
  return !DETERMINISTIC_NAME.test(pr.metadata.name) || pr.metadata.name === pipelineRunName(ir.metadata.uid);
}

/** The uid of the request a run was created for, when its name says (runs named by generateName do not). */
export function requestUidOfRun(pr: PipelineRun): string | undefined {
  return DETERMINISTIC_NAME.test(pr.metadata.name) ? pr.metadata.name.slice(PIPELINE_RUN_NAME_PREFIX.length) : undefined;
}

/** Among the runs a label lookup found, the one of this request (the reference took the first match). */
export function pickPipelineRun(ir: InternalRequest, candidates: readonly PipelineRun[]): PipelineRun | undefined {
  return candidates.find((pr) => belongsTo(pr, ir));
}
