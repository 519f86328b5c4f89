/**
 * The resync sweep's decisions (ADR 0010): what a lost event left undone, and which repair fits. The
 * sweep streams the runs, then the requests, a page at a time; these pure functions judge each one with
 * the rules of the function whose event was lost, so a repair never disagrees with that function.
 */
import type { InternalRequest, InternalServicesConfigSpec, PipelineRun } from '../api/index.js';
import { isCompleted, isRunning } from './conditions.js';
import { hasFinalizer } from './finalizer.js';
import { pipelineRunName } from './pipeline-run-builder.js';
import { parseNamespacedName, requestOfPipelineRun, requestUidOfRun } from './pipeline-run-lookup.js';
import type { NamespacedName } from './pipeline-run-lookup.js';
import { isPipelineRunDone, namespacedName } from './pipeline-run-state.js';

/** What the sweep keeps of a listed run, instead of the object: enough to join it with its request. */
export interface RunSummary {
  /** `<namespace>/<name>` */
  key: string;
  done: boolean;
  /** The request its labels name. */
  owner: NamespacedName | undefined;
  /** The uid of the request it was created for, when its name says. */
  requestUid: string | undefined;
}

export function summarizeRun(pr: PipelineRun): RunSummary {
  return { key: namespacedName(pr), done: isPipelineRunDone(pr), owner: requestOfPipelineRun(pr), requestUid: requestUidOfRun(pr) };
}

/**
 * The run a request has, if any: the one its status names (in whatever namespace), else the one
 * pipelinerun-creator names after its uid in `pipelineRunNamespace`.
 */
export function runKeyOf(ir: InternalRequest, pipelineRunNamespace: string): string {
  return ir.status?.pipelineRun ?? `${pipelineRunNamespace}/${pipelineRunName(ir.metadata.uid)}`;
}

export type RequestRepair =
  | { repair: 'none' }
  /** Its deletion began and our finalizer still holds it: what admission replies, for cleanup. */
  | { repair: 'announce-deleting' }
  /** Admission never finished with it (no finalizer, or neither Running nor completed): the add it missed. */
  | { repair: 'announce-add' }
  /** Running, but its run is done or no longer listed: read the run and relay it, as status-relay does. */
  | { repair: 'relay'; run: NamespacedName }
  /** Completed, and its run is still there: what status-relay replies, for cleanup. */
  | { repair: 'announce-completed'; pipelineRun: string };

const NONE: RequestRepair = { repair: 'none' };

/**
 * `run` is the summary found under `runKeyOf(ir)`, undefined when the list had none. A run missing from
 * the list may have been created after it: `relay` reads it before anything is concluded.
 */
export function decideRequestRepair(ir: InternalRequest, run: RunSummary | undefined, config: InternalServicesConfigSpec): RequestRepair {
  if (ir.metadata.deletionTimestamp !== undefined) return hasFinalizer(ir) ? { repair: 'announce-deleting' } : NONE;
  // With debug on, cleanup keeps runs: announcing them every sweep would cost cleanup reads for nothing.
  if (isCompleted(ir)) return run !== undefined && !config.debug ? { repair: 'announce-completed', pipelineRun: run.key } : NONE;
  if (!hasFinalizer(ir) || !isRunning(ir)) return { repair: 'announce-add' };
  const recorded = parseNamespacedName(ir.status?.pipelineRun ?? '');
  if (recorded === undefined) return NONE;
  return run === undefined || run.done ? { repair: 'relay', run: recorded } : NONE;
}

export type OrphanRepair =
  | { repair: 'none' }
  /** As status-relay announces a finished run whose request is gone, so cleanup removes it. */
  | { repair: 'announce-completed'; request: NamespacedName & { uid: string }; pipelineRun: string };

/**
 * A run no listed request claimed: its request is gone, or is another request of the same name. Only a
 * finished run named after its request's uid is announced, as status-relay does; one still going is
 * announced by a later sweep, once done.
 */
export function decideOrphanRepair(run: RunSummary, config: InternalServicesConfigSpec): OrphanRepair {
  if (!run.done || run.owner === undefined || run.requestUid === undefined || config.debug) return { repair: 'none' };
  return { repair: 'announce-completed', request: { ...run.owner, uid: run.requestUid }, pipelineRun: run.key };
}
