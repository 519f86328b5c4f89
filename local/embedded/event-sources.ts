/**
 * The events that drive the functions: InternalRequests of the public cluster (the remote watcher)
 * and PipelineRuns of the internal one (standing in for Knative's ApiServerSource), both into the
 * broker's ingress.
 */
import { startResourceSource } from '../../sources/remote-source/index.js';
import type { InProcessSink, ResourceSource } from '../../sources/remote-source/index.js';
import { within } from './deadline.js';
import { pipelineRunSourceOptions, remoteSourceOptions } from './source-manifests.js';
import type { Teardown } from './teardown.js';

export interface EventSources {
  internalRequests: ResourceSource;
  pipelineRuns: ResourceSource;
}

export interface EventSourceKubeconfigs {
  /** The functions' kubeconfig for the public cluster. */
  remote: string;
  /** The watcher's kubeconfig for the public cluster (list and watch only in production). */
  remoteWatcher: string;
  internal: string;
}

/** Where the sources send: the ingress's URL, and the ingress itself when it lives in this process. */
export interface EventSink {
  url: string;
  inProcess?: InProcessSink;
}

/** Starts both watchers and waits (up to `syncTimeoutMs`) until each has listed what already exists. */
export async function startEventSources(
  teardown: Teardown,
  kubeconfigs: EventSourceKubeconfigs,
  sink: EventSink,
  syncTimeoutMs: number,
): Promise<EventSources> {
  const inProcess = sink.inProcess ? { sinkInProcess: sink.inProcess } : {};
  const internalRequests = await startResourceSource({ ...(await remoteSourceOptions(kubeconfigs.remoteWatcher, sink.url)), ...inProcess });
  teardown.add('InternalRequest source', () => internalRequests.stop());
  const pipelineRuns = await startResourceSource({ ...(await pipelineRunSourceOptions(kubeconfigs.internal, sink.url)), ...inProcess });
  teardown.add('PipelineRun source', () => pipelineRuns.stop());
  await within(internalRequests.synced, syncTimeoutMs, `listing InternalRequests through ${kubeconfigs.remoteWatcher}`);
  await within(pipelineRuns.synced, syncTimeoutMs, `listing PipelineRuns through ${kubeconfigs.internal}`);
  return { internalRequests, pipelineRuns };
}
