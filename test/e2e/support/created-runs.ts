/**
 * Every PipelineRun ever created on the internal cluster, learnt from one watch of all namespaces
 * opened before the first request, straight to the server (not through any hop the test restarts or
 * fails). A run's name comes from its request's uid, so a second run for a request is a second uid
 * under the same name: a run deleted and created again.
 */
import { KubeConfig, Watch } from '@kubernetes/client-node';
import { PIPELINE_RUNS } from '../../../shared/api/index.js';

export interface CreatedRuns {
  /** How many runs (distinct uids) were ever created under `name`. */
  createdUnder(name: string): number;
  /** Why the watch ended, if it did: then runs created since are unknown, and the counts cannot be trusted. */
  readonly ended: string | undefined;
  stop(): void;
}

export async function watchCreatedRuns(kubeconfig: string): Promise<CreatedRuns> {
  const uidsByName = new Map<string, Set<string>>();
  let ended: string | undefined;
  let stopping = false;
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfig);
  const onEvent = (type: string, object: { metadata?: { name?: string; uid?: string } }): void => {
    const { name, uid } = object.metadata ?? {};
    if (type !== 'ADDED' || !name || !uid) return;
    const uids = uidsByName.get(name) ?? new Set<string>();
    uids.add(uid);
    uidsByName.set(name, uids);
  };
  const onDone = (error: unknown): void => {
    if (!stopping) ended = error instanceof Error ? error.message : 'the server closed the watch';
  };
  const path = `/apis/${PIPELINE_RUNS.group}/${PIPELINE_RUNS.version}/${PIPELINE_RUNS.plural}`;
  const controller = await new Watch(kc).watch(path, {}, onEvent, onDone);
  return {
    createdUnder: (name) => uidsByName.get(name)?.size ?? 0,
    get ended() {
      return ended;
    },
    stop: () => {
      stopping = true;
      controller.abort();
    },
  };
}
