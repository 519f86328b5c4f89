import { PIPELINE_RUN_CANCELLED } from '../api/index.js';
import type { InternalRequest, InternalServicesConfigSpec, MergePatch, PipelineRun } from '../api/index.js';
import { isCompleted } from './conditions.js';
import { removeFinalizerPatch } from './finalizer.js';
import { pipelineRunName } from './pipeline-run-builder.js';
import { belongsTo, parseNamespacedName } from './pipeline-run-lookup.js';
import type { NamespacedName } from './pipeline-run-lookup.js';
import { isPipelineRunDone } from './pipeline-run-state.js';

/** Asks Tekton to stop a run. Unguarded on purpose: cancelling a run that has just finished is harmless. */
export const CANCEL_PATCH: MergePatch = { merge: { spec: { status: PIPELINE_RUN_CANCELLED } } };

export type CompletionPlan =
  | ({ action: 'delete-pipeline-run' } & NamespacedName)
  | { action: 'keep'; why: 'debug' | 'not-completed' | 'no-pipeline-run' | 'not-its-pipeline-run' };

/**
 * After completion the PipelineRun goes, unless the config asks to keep runs for debugging. The request
 * may be gone already (deleted right after completing); then a finished run is still removed.
 */
export function planAfterCompletion(
  ir: InternalRequest | undefined,
  pr: PipelineRun | undefined,
  config: InternalServicesConfigSpec,
): CompletionPlan {
  if (pr === undefined) return { action: 'keep', why: 'no-pipeline-run' };
  if (ir === undefined ? !isPipelineRunDone(pr) : !isCompleted(ir)) return { action: 'keep', why: 'not-completed' };
  if (ir !== undefined && !belongsTo(pr, ir)) return { action: 'keep', why: 'not-its-pipeline-run' };
  if (config.debug) return { action: 'keep', why: 'debug' };
  return { action: 'delete-pipeline-run', namespace: pr.metadata.namespace, name: pr.metadata.name };
}

/**
 * The plan for a request whose recorded run is named after its uid, which needs no read of the run: a
 * run of that name can only have been created by pipelinerun-creator for this request (its name is
 * derived from the uid), so the name proves what `belongsTo` checks on a run that was read. The delete
 * still acts on what was read, the request: completed, and recording that run. Undefined when the run
 * must be read first (recorded under another name, e.g. one made with generateName, or not recorded).
 */
export function planAfterCompletionByName(ir: InternalRequest, config: InternalServicesConfigSpec): CompletionPlan | undefined {
  const recorded = parseNamespacedName(ir.status?.pipelineRun ?? '');
  if (recorded?.name !== pipelineRunName(ir.metadata.uid)) return undefined;
  if (!isCompleted(ir)) return { action: 'keep', why: 'not-completed' };
  if (config.debug) return { action: 'keep', why: 'debug' };
  return { action: 'delete-pipeline-run', ...recorded };
}

export interface DeletionPlan {
  /** Patch the run with CANCEL_PATCH first, when set. */
  cancel: NamespacedName | null;
  /** Then release the request. */
  removeFinalizer: MergePatch | null;
}

/** For a request being deleted: cancel its run if that is still going, then drop the finalizer. */
export function planDeletion(ir: InternalRequest, pr: PipelineRun | undefined): DeletionPlan {
  if (ir.metadata.deletionTimestamp === undefined) return { cancel: null, removeFinalizer: null };
  const running =
    pr !== undefined && belongsTo(pr, ir) && !isPipelineRunDone(pr) && pr.spec?.status !== PIPELINE_RUN_CANCELLED;
  return {
    cancel: running ? { namespace: pr.metadata.namespace, name: pr.metadata.name } : null,
    removeFinalizer: removeFinalizerPatch(ir),
  };
}
