import { Backoff, realDelay } from './backoff.js';
import type { BackoffOptions, Delay } from './backoff.js';
import { KubeRequestError } from './kube-reader.js';
import type { KubeReader, Query } from './kube-reader.js';
import type { Logger } from '../../shared/observability/logger.js';
import { errorText } from './error-text.js';
import { collectionPath } from './resource-ref.js';
import type { KubeObject, ResourceRef } from './resource-ref.js';

export type ChangeKind = 'add' | 'update' | 'delete';

export interface ResourceWatchHandlers {
  /** After each successful (re)list, with every object found, before their `add` changes. */
  onRelist?(objects: KubeObject[]): void;
  /** Every change, in the order the server reported it. Must not block: queue slow work. */
  onChange(kind: ChangeKind, obj: KubeObject, ref: ResourceRef): void;
  /** When the handlers hold as much as they may, the watch stops reading until there is room. */
  backpressure?: Backpressure;
}

export interface Backpressure {
  full(): boolean;
  /** Resolves once there is room again, or when `signal` aborts. */
  room(signal: AbortSignal): Promise<void>;
}

export interface ResourceWatchOptions {
  reader: KubeReader;
  resource: { apiVersion: string; kind: string; plural?: string };
  namespace?: string; // all namespaces when unset
  labelSelector?: string;
  handlers: ResourceWatchHandlers;
  log: Logger;
  backoff?: BackoffOptions;
  delay?: Delay; // every wait before a (re)connect goes through it, also zero-length ones
  now?: () => number;
  watchTimeoutSeconds?: number;
  pageSize?: number;
}

export interface WatchStats {
  lists: number; // successful lists (the first one and every relist)
  watches: number; // watch requests started
  connected: number; // watch requests the server accepted (streaming from then on)
  events: number; // watch events received
  failures: number; // failed lists and watches
  paused: number; // times the watch stopped reading because the handlers were full
}

export interface ResourceWatch {
  /** Resolves once the first list has been handed to the handlers; rejects when the watch ends before. */
  readonly synced: Promise<void>;
  /** Resolves when stop() has ended the watch; rejects when the server refused the credentials. */
  readonly ended: Promise<void>;
  stats(): WatchStats;
  /** Ends the watch and waits for the loop to exit. */
  stop(): Promise<void>;
}

/**
 * The server answered 401: the kubeconfig's credentials are not (or no longer) accepted. Retrying
 * cannot help, since a kubeconfig is read once, so the watch ends; a restart reads it again.
 */
export class CredentialsRefusedError extends Error {
  override name = 'CredentialsRefusedError';
}

/** A watch that lasted this long counts as healthy even without events, resetting the backoff. */
const HEALTHY_WATCH_MS = 10_000;

interface WatchEnd {
  resourceVersion: string;
  expired: boolean;
  events: number;
  error?: unknown;
  startedAt: number;
}

/**
 * List, then watch from the list's resourceVersion; re-watch from the last seen version when a watch
 * ends, relist when the server answers 410 Gone. Keeps no copy of the objects.
 */
export function watchResources(options: ResourceWatchOptions): ResourceWatch {
  return new ResourceWatcher(options);
}

class ResourceWatcher implements ResourceWatch {
  readonly synced: Promise<void>;
  readonly ended: Promise<void>;
  private markSynced: () => void = () => undefined;
  private failSync: (err: unknown) => void = () => undefined;
  private readonly stopping = new AbortController();
  private readonly counts: WatchStats = { lists: 0, watches: 0, connected: 0, events: 0, failures: 0, paused: 0 };
  private readonly backoff: Backoff;
  private readonly delay: Delay;
  private readonly now: () => number;
  private ref: ResourceRef | undefined;

  constructor(private readonly o: ResourceWatchOptions) {
    this.synced = new Promise((resolve, reject) => ([this.markSynced, this.failSync] = [resolve, reject]));
    this.backoff = new Backoff(o.backoff);
    this.delay = o.delay ?? realDelay;
    this.now = o.now ?? Date.now;
    this.ended = this.run().catch((err: unknown) => {
      this.o.log.log('error', 'watch ended', { resource: this.ref?.plural ?? o.resource.kind, error: errorText(err) });
      this.failSync(err);
      throw err;
    });
    // Callers that never wait on these must not see an unhandled rejection.
    this.synced.catch(() => undefined);
    this.ended.catch(() => undefined);
  }

  stats(): WatchStats {
    return { ...this.counts };
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.ended.catch(() => undefined);
  }

  private get stopped(): boolean {
    return this.stopping.signal.aborted;
  }

  private async run(): Promise<void> {
    let resourceVersion: string | undefined;
    while (!this.stopped) {
      let waitMs: number;
      try {
        const ref = (this.ref ??= await this.resolveRef());
        resourceVersion ??= await this.relist(ref);
        await this.roomToRead();
        if (this.stopped) break;
        const end = await this.watchOnce(ref, resourceVersion);
        if (this.stopped) break;
        resourceVersion = end.expired ? undefined : end.resourceVersion;
        waitMs = this.waitAfter(end);
      } catch (err) {
        if (this.stopped) break;
        if (err instanceof CredentialsRefusedError) throw err;
        waitMs = this.failed('list failed', err);
      }
      await this.delay(waitMs, this.stopping.signal);
    }
  }

  /**
   * Waits while the handlers are full. The watch resumes from the last event handled, so nothing is
   * skipped; a wait longer than the server keeps history ends in 410 Gone and a relist.
   */
  private async roomToRead(): Promise<void> {
    const backpressure = this.o.handlers.backpressure;
    if (!backpressure?.full()) return;
    this.counts.paused += 1;
    await backpressure.room(this.stopping.signal);
  }

  private async resolveRef(): Promise<ResourceRef> {
    const { apiVersion, kind, plural } = this.o.resource;
    return { apiVersion, kind, plural: plural ?? (await this.o.reader.discoverPlural(apiVersion, kind)) };
  }

  private async relist(ref: ResourceRef): Promise<string> {
    const { items, resourceVersion } = await this.listAll(ref);
    this.counts.lists += 1;
    this.o.handlers.onRelist?.(items);
    for (const item of items) this.o.handlers.onChange('add', item, ref);
    this.markSynced();
    return resourceVersion;
  }

  private async listAll(ref: ResourceRef): Promise<{ items: KubeObject[]; resourceVersion: string }> {
    const items: KubeObject[] = [];
    let resourceVersion: string;
    let page: string | undefined;
    do {
      const query: Query = { labelSelector: this.o.labelSelector, limit: String(this.o.pageSize ?? 500), continue: page };
      const list = await this.o.reader.getJson(collectionPath(ref, this.o.namespace), query, this.stopping.signal);
      const metadata = (list['metadata'] ?? {}) as { resourceVersion?: string; continue?: string };
      // List items of built-in kinds come without apiVersion/kind; watch events carry them.
      for (const item of (list['items'] ?? []) as KubeObject[]) items.push({ apiVersion: ref.apiVersion, kind: ref.kind, ...item });
      resourceVersion = metadata.resourceVersion ?? '';
      page = metadata.continue || undefined;
    } while (page);
    return { items, resourceVersion };
  }

  private watchOnce(ref: ResourceRef, resourceVersion: string): Promise<WatchEnd> {
    const end: WatchEnd = { resourceVersion, expired: false, events: 0, startedAt: this.now() };
    const query: Query = {
      resourceVersion,
      allowWatchBookmarks: 'true',
      labelSelector: this.o.labelSelector,
      timeoutSeconds: String(this.o.watchTimeoutSeconds ?? 300),
    };
    this.counts.watches += 1;
    return new Promise((resolve) => {
      let abort: (() => void) | undefined;
      let settled = false;
      const finish = (err: unknown): void => {
        if (settled) return;
        settled = true;
        this.stopping.signal.removeEventListener('abort', endWatch);
        if (err && !end.error) end.error = err;
        if (isGone(end.error)) [end.expired, end.error] = [true, undefined];
        resolve(end);
      };
      const endWatch = (): void => {
        abort?.();
        finish(undefined);
      };
      this.stopping.signal.addEventListener('abort', endWatch, { once: true });
      const onEvent = (type: string, object: Record<string, unknown>): void => {
        if (settled) return; // lines still buffered after the watch was ended
        this.onWatchEvent(ref, end, type, object);
        if (this.o.handlers.backpressure?.full()) endWatch();
      };
      this.o.reader.watch(collectionPath(ref, this.o.namespace), query, onEvent, finish).then((stopWatch) => {
        abort = stopWatch;
        if (settled) stopWatch();
        else this.counts.connected += 1;
      }, finish);
    });
  }

  private onWatchEvent(ref: ResourceRef, end: WatchEnd, type: string, object: Record<string, unknown>): void {
    this.counts.events += 1;
    if (type === 'ERROR') {
      const status = object as { code?: number; message?: string };
      end.error = new KubeRequestError(status.code ?? 500, status.message ?? 'watch error');
      return;
    }
    end.events += 1;
    const obj = object as KubeObject;
    end.resourceVersion = obj.metadata?.resourceVersion ?? end.resourceVersion;
    const kind = CHANGE_OF_WATCH_EVENT[type];
    if (kind) this.o.handlers.onChange(kind, obj, ref);
  }

  /** How long to wait before the next watch: at once after a healthy one or a 410, else back off. */
  private waitAfter(end: WatchEnd): number {
    const healthy = end.events > 0 || this.now() - end.startedAt >= HEALTHY_WATCH_MS;
    if (healthy) this.backoff.reset();
    if (end.expired) {
      this.o.log.log('info', 'watch expired; relisting', { resource: this.ref?.plural });
      return 0;
    }
    if (end.error) return this.failed('watch failed', end.error);
    // A watch the server closes at once without events would otherwise spin.
    return healthy ? 0 : this.backoff.next();
  }

  private failed(msg: string, err: unknown): number {
    this.counts.failures += 1;
    if (statusOf(err) === 401) throw new CredentialsRefusedError(`${this.o.reader.serverUrl} refused the credentials (401 Unauthorized): ${errorText(err)}`);
    const waitMs = this.backoff.next();
    this.o.log.log('warn', `${msg}; retrying`, { resource: this.ref?.plural ?? this.o.resource.kind, error: errorText(err), retryInMs: waitMs });
    return waitMs;
  }
}

const CHANGE_OF_WATCH_EVENT: Record<string, ChangeKind | undefined> = {
  ADDED: 'add',
  MODIFIED: 'update',
  DELETED: 'delete',
};

/** The HTTP status of a failed list (KubeRequestError.code) or watch (client-node's statusCode). */
function statusOf(err: unknown): unknown {
  const e = err as { code?: unknown; statusCode?: unknown } | undefined;
  return e?.code ?? e?.statusCode;
}

function isGone(err: unknown): boolean {
  return statusOf(err) === 410;
}
