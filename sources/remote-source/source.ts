import type { KubeConfig } from '@kubernetes/client-node';
import { createLogger } from '../../shared/observability/logger.js';
import type { Logger } from '../../shared/observability/logger.js';
import { KeyedQueue, KubeReader, loadKubeAccess, realDelay, watchResources } from '../../shared/watch/index.js';
import type { BackoffOptions, ChangeKind, Delay, KubeObject, ResourceRef, StartDeadline, WatchStats } from '../../shared/watch/index.js';
import { EventSender } from './event-sender.js';
import type { InProcessSink } from './event-sender.js';
import { GenerationFilter } from './generation-filter.js';
import { changeEvent } from './resource-event.js';
import type { CeOverrides } from './resource-event.js';

export interface ResourceSourceOptions {
  /**
   * A kubeconfig file path or a KubeConfig the caller loaded with client-node; the in-cluster service
   * account when absent. A path is read without client-node (shared/watch/kubeconfig-file.ts), for memory.
   */
  kubeconfig?: string | KubeConfig;
  /** The watched resource; `plural` is discovered from the server when absent. */
  resource: { apiVersion: string; kind: string; plural?: string };
  namespace?: string; // all namespaces when unset
  labelSelector?: string;
  sink: string; // K_SINK
  /** A sink in this process (the embedded default's broker): handed each event's message instead of a POST to `sink`. */
  sinkInProcess?: InProcessSink;
  ceOverrides?: CeOverrides; // K_CE_OVERRIDES
  /** Drop updates that change neither metadata.generation nor metadata.deletionTimestamp. */
  dropStatusOnlyUpdates?: boolean;
  log?: Logger;
  reconnectDelay?: Delay; // waits before re-listing / re-watching
  retryDelay?: Delay; // waits between send attempts
  now?: () => number;
  startDeadline?: StartDeadline; // deadlines of list and watch requests on a silent connection
  backoff?: BackoffOptions;
  sendRetries?: number;
  sendRetryDelayMs?: number;
  sendTimeoutMs?: number;
  sendConcurrency?: number;
  /** How long stop() lets queued events be sent and retried before giving the rest up; default 10 s. */
  stopGraceMs?: number;
  /** Events held in memory (queued or being sent) before the watch pauses; default 1000. */
  maxPendingEvents?: number;
  watchTimeoutSeconds?: number;
}

export interface SourceStats extends WatchStats {
  sent: number;
  lost: number;
  dropped: number; // updates held back by the generation filter
  pending: number; // events queued or being sent
}

export interface ResourceSource {
  /** Resolves once the objects found by the first list have been queued as `add` events. */
  readonly synced: Promise<void>;
  /** Resolves when stop() has ended the watch; rejects (CredentialsRefusedError) when the server refused the credentials. */
  readonly ended: Promise<void>;
  stats(): SourceStats;
  /** Resolves when every event queued so far has been delivered or given up. */
  idle(): Promise<void>;
  /** Stops watching, then waits for queued sends to finish (up to stopGraceMs; the rest are lost). */
  stop(): Promise<void>;
}

/**
 * A portable ApiServerSource (Resource mode): watches one resource kind on any cluster a kubeconfig
 * reaches and POSTs each change to the sink as the same CloudEvent Knative's ApiServerSource would.
 */
export async function startResourceSource(options: ResourceSourceOptions): Promise<ResourceSource> {
  const reader = new KubeReader(typeof options.kubeconfig === 'object' ? options.kubeconfig : await loadKubeAccess(options.kubeconfig));
  const log = options.log ?? createLogger({ component: 'remote-source' });
  const counts = { sent: 0, lost: 0, dropped: 0 };
  const filter = options.dropStatusOnlyUpdates ? new GenerationFilter() : undefined;
  const queue = new KeyedQueue(options.sendConcurrency ?? 8);
  const maxPending = options.maxPendingEvents ?? 1000;
  // A sink that is slow or down pauses the list or watch instead of growing memory; reading resumes at half.
  const backpressure = { free: () => maxPending - queue.pending, room: (signal: AbortSignal) => queue.whenPendingAtMost(Math.floor(maxPending / 2), signal) };
  const giveUp = new AbortController();
  const sender = new EventSender({
    cancel: giveUp.signal,
    sink: options.sink,
    ...(options.sinkInProcess ? { inProcess: options.sinkInProcess } : {}),
    log,
    delay: options.retryDelay ?? realDelay,
    retries: options.sendRetries,
    retryDelayMs: options.sendRetryDelayMs,
    timeoutMs: options.sendTimeoutMs,
  });

  const onChange = (change: ChangeKind, obj: KubeObject, ref: ResourceRef): void => {
    if (filter && !filter.admit(change, obj)) {
      counts.dropped += 1;
      return;
    }
    const event = changeEvent({ change, obj, ref, serverUrl: reader.serverUrl, overrides: options.ceOverrides });
    queue.push(obj.metadata?.uid ?? event.subject ?? '', async () => {
      const delivered = await sender.send(event);
      counts[delivered ? 'sent' : 'lost'] += 1;
    });
  };

  const watch = watchResources({
    reader,
    resource: options.resource,
    namespace: options.namespace,
    labelSelector: options.labelSelector,
    handlers: { onChange, onRelistStart: () => filter?.forgetAll(), backpressure },
    log,
    backoff: options.backoff,
    delay: options.reconnectDelay,
    now: options.now,
    startDeadline: options.startDeadline,
    watchTimeoutSeconds: options.watchTimeoutSeconds,
  });
  log.log('info', 'watching', { server: reader.serverUrl, ...options.resource, namespace: options.namespace ?? '(all)', sink: options.sink });

  return {
    synced: watch.synced,
    ended: watch.ended,
    stats: () => ({ ...watch.stats(), ...counts, pending: queue.pending }),
    idle: () => queue.drain(),
    async stop() {
      await watch.stop();
      // Within a pod's termination grace period: a sink that is down must not hold the stop up.
      const grace = setTimeout(() => giveUp.abort(), options.stopGraceMs ?? 10_000);
      await queue.drain();
      clearTimeout(grace);
      log.log('info', 'stopped', counts);
    },
  };
}
