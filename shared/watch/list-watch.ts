import { Backoff, realDelay } from './backoff.js';
import type { BackoffOptions, Delay } from './backoff.js';
import { realDeadline, SilentConnectionError } from './deadline.js';
import type { StartDeadline } from './deadline.js';
import type { ChangeKind } from '../events/types.js';
import { apiErrorOf, KubeApiError } from '../kube/errors.js';
import type { KubeReader, Query } from './kube-reader.js';
import { errorText } from '../observability/error-text.js';
import type { Logger } from '../observability/logger.js';
import { collectionPath } from './resource-ref.js';
import type { KubeObject, ResourceRef } from './resource-ref.js';

export type { ChangeKind };

export interface ResourceWatchHandlers {
  /** A (re)list begins: the `add` of every object listed follows, page by page. */
  onRelistStart?(): void;
  /**
   * After each complete (re)list and its `add` changes, with the identity (apiVersion, kind, metadata
   * name, namespace and uid) of every object listed: the objects themselves are not kept.
   */
  onRelist?(listed: KubeObject[]): void;
  /** Every change, in the order the server reported it. Must not block: queue slow work. */
  onChange(kind: ChangeKind, obj: KubeObject, ref: ResourceRef): void;
  /** When the handlers hold as much as they may, the watch stops reading until there is room. */
  backpressure?: Backpressure;
}

export interface Backpressure {
  /** How many more changes the handlers may take now; 0 or less when full. */
  free(): number;
  /** Resolves once at least half of the room is free again, or when `signal` aborts. */
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
  /** Deadlines of list and watch requests on a silent connection. */
  startDeadline?: StartDeadline;
  watchTimeoutSeconds?: number;
  pageSize?: number; // the most objects one list page asks for; fewer when the handlers have less room
}

export interface WatchStats {
  lists: number; // successful lists (the first one and every relist)
  watches: number; // watch requests started
  connected: number; // watch requests the server accepted (streaming from then on)
  events: number; // watch events received
  failures: number; // failed lists and watches
  paused: number; // times the list or watch stopped reading because the handlers were full
  silent: number; // lists and watches given up because their connection stayed silent past the deadline
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
/** The server ends a watch after timeoutSeconds; silence for this much longer means the connection is gone. */
const WATCH_DEADLINE_SLACK_MS = 15_000;
/** The API server ends any list after 60 s (--request-timeout); no answer by then means the connection is gone. */
const LIST_DEADLINE_MS = 70_000;

interface WatchEnd {
  resourceVersion: string;
  expired: boolean;
  events: number;
  error?: unknown;
  startedAt: number;
}

/**
 * List, then watch from the list's resourceVersion; re-watch from the last seen version when a watch
 * ends, relist when the server answers 410 Gone. Keeps no copy of the objects: a list is read a page at
 * a time, each page only once the handlers have room for it.
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
  private readonly counts: WatchStats = { lists: 0, watches: 0, connected: 0, events: 0, failures: 0, paused: 0, silent: 0 };
  private readonly backoff: Backoff;
  private readonly delay: Delay;
  private readonly now: () => number;
  private readonly startDeadline: StartDeadline;
  private ref: ResourceRef | undefined;

  constructor(private readonly o: ResourceWatchOptions) {
    this.synced = new Promise((resolve, reject) => ([this.markSynced, this.failSync] = [resolve, reject]));
    this.backoff = new Backoff(o.backoff);
    this.delay = o.delay ?? realDelay;
    this.now = o.now ?? Date.now;
    this.startDeadline = o.startDeadline ?? realDeadline;
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
   * Waits while the handlers are full. A list resumes with its next page, a watch from the last event
   * handled, so nothing is skipped; a wait longer than the server keeps history (or a continue token)
   * ends in 410 Gone and a relist.
   */
  private async roomToRead(): Promise<void> {
    const backpressure = this.o.handlers.backpressure;
    if (!backpressure || backpressure.free() > 0) return;
    this.counts.paused += 1;
    await backpressure.room(this.stopping.signal);
  }

  private async resolveRef(): Promise<ResourceRef> {
    const { apiVersion, kind, plural } = this.o.resource;
    return { apiVersion, kind, plural: plural ?? (await this.o.reader.discoverPlural(apiVersion, kind)) };
  }

  /** Lists page by page, handing each page over as `add`s before asking for the next, when there is room. */
  private async relist(ref: ResourceRef): Promise<string> {
    this.o.handlers.onRelistStart?.();
    const listed: KubeObject[] | undefined = this.o.handlers.onRelist ? [] : undefined;
    let resourceVersion: string;
    let page: string | undefined;
    do {
      const limit = await this.roomForPage();
      const query: Query = { labelSelector: this.o.labelSelector, limit: String(limit), continue: page };
      const list = await this.withDeadline(LIST_DEADLINE_MS, 'the list', (signal) => this.o.reader.getJson(collectionPath(ref, this.o.namespace), query, signal));
      const metadata = (list['metadata'] ?? {}) as { resourceVersion?: string; continue?: string };
      for (const item of (list['items'] ?? []) as KubeObject[]) {
        // List items of built-in kinds come without apiVersion/kind; watch events carry them.
        const obj: KubeObject = { apiVersion: ref.apiVersion, kind: ref.kind, ...item };
        listed?.push(identityOf(obj));
        this.o.handlers.onChange('add', obj, ref);
      }
      resourceVersion = metadata.resourceVersion ?? '';
      page = metadata.continue || undefined;
    } while (page);
    this.counts.lists += 1;
    if (listed) this.o.handlers.onRelist?.(listed);
    this.markSynced();
    return resourceVersion;
  }

  /** How many objects the next page may ask for: as many as the handlers have room for, after waiting for room when they are full. */
  private async roomForPage(): Promise<number> {
    const pageSize = this.o.pageSize ?? 500;
    const backpressure = this.o.handlers.backpressure;
    if (!backpressure) return pageSize;
    await this.roomToRead();
    return Math.max(1, Math.min(pageSize, backpressure.free()));
  }

  /** Runs one request that ends when the watch stops or when it gets no answer within `ms`. */
  private async withDeadline<T>(ms: number, what: string, send: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const request = new AbortController();
    const silent = new SilentConnectionError(`${what} got no answer for ${ms} ms`);
    const deadline = this.startDeadline(ms, () => request.abort(silent));
    const stop = (): void => request.abort();
    this.stopping.signal.addEventListener('abort', stop, { once: true });
    if (this.stopped) stop();
    try {
      return await send(request.signal);
    } catch (err) {
      if (request.signal.reason === silent) this.counts.silent += 1;
      throw request.signal.reason === silent ? silent : err;
    } finally {
      deadline.clear();
      this.stopping.signal.removeEventListener('abort', stop);
    }
  }

  /**
   * One watch request. The server ends it after timeoutSeconds; bytes (events, bookmarks) arrive until
   * then, so a connection silent for longer than that is dead (half-open, or held by a proxy) and is
   * abandoned, to be watched again from the last event handled.
   */
  private watchOnce(ref: ResourceRef, resourceVersion: string): Promise<WatchEnd> {
    const end: WatchEnd = { resourceVersion, expired: false, events: 0, startedAt: this.now() };
    const timeoutSeconds = this.o.watchTimeoutSeconds ?? 300;
    const query: Query = { resourceVersion, allowWatchBookmarks: 'true', labelSelector: this.o.labelSelector, timeoutSeconds: String(timeoutSeconds) };
    const silenceMs = timeoutSeconds * 1000 + WATCH_DEADLINE_SLACK_MS;
    this.counts.watches += 1;
    return new Promise((resolve) => {
      const request = new AbortController();
      let settled = false;
      const finish = (err: unknown): void => {
        if (settled) return;
        settled = true;
        deadline.clear();
        this.stopping.signal.removeEventListener('abort', endWatch);
        request.abort();
        if (err && !end.error) end.error = err;
        if (isGone(end.error)) [end.expired, end.error] = [true, undefined];
        resolve(end);
      };
      const endWatch = (): void => finish(undefined);
      const deadline = this.startDeadline(silenceMs, () => {
        this.counts.silent += 1;
        finish(new SilentConnectionError(`the watch sent nothing for ${silenceMs} ms (timeoutSeconds ${timeoutSeconds})`));
      });
      if (this.stopped) return endWatch();
      this.stopping.signal.addEventListener('abort', endWatch, { once: true });
      this.o.reader.watch(collectionPath(ref, this.o.namespace), query, {
        onOpen: () => {
          deadline.touch();
          this.counts.connected += 1;
        },
        onData: () => deadline.touch(),
        onEvent: (type, object) => {
          if (settled) return; // lines of a chunk that arrived with the one that ended the watch
          this.onWatchEvent(ref, end, type, object);
          const backpressure = this.o.handlers.backpressure;
          if (backpressure && backpressure.free() <= 0) endWatch();
        },
        done: finish,
      }, request.signal);
    });
  }

  private onWatchEvent(ref: ResourceRef, end: WatchEnd, type: string, object: Record<string, unknown>): void {
    this.counts.events += 1;
    if (type === 'ERROR') {
      const status = object as { code?: number; message?: string };
      end.error = apiErrorOf(status.code ?? 500, { message: 'watch error', ...status }, { verb: 'watch' });
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

/** The HTTP status of a failed list or watch, or of a watch's ERROR event. */
function statusOf(err: unknown): number | undefined {
  return err instanceof KubeApiError ? err.code : undefined;
}

function isGone(err: unknown): boolean {
  return statusOf(err) === 410;
}

function identityOf(obj: KubeObject): KubeObject {
  const { name, namespace, uid } = obj.metadata ?? {};
  return { apiVersion: obj.apiVersion, kind: obj.kind, metadata: { name, namespace, uid } };
}
