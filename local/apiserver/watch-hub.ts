/**
 * Fan-out of committed changes to open watches. The last `capacity` events are kept in a ring so a
 * watch can resume from a resourceVersion; older ones are gone and such a resume is told 410 Expired,
 * as etcd compaction makes a real server do. Watchers see events by reference, never a copied history,
 * and are indexed by resource and namespace like the watch cache's, so an event visits only the watchers
 * of its resource that watch its namespace or all of them.
 */
import { expired } from './status-errors.js';
import type { EventType, KubeObject } from './kube-object.js';

export interface StoredEvent {
  rv: number;
  type: EventType;
  key: string;
  namespace: string;
  object: KubeObject;
  /** The state before a MODIFIED, so selector watches can turn it into ADDED or DELETED. */
  previous?: KubeObject;
}

export interface Watcher {
  key: string;
  namespace?: string;
  deliver(event: StoredEvent): void;
  /** Graceful: the stream ends like a server-side timeout; otherwise the connection is dropped. */
  close(graceful: boolean): void;
}

/** The index slot of watchers of every namespace (no namespace name can take this form). */
const ALL_NAMESPACES = '*';

export class WatchHub {
  private readonly ring: Array<StoredEvent | undefined>;
  private start = 0;
  private size = 0;
  private lastEvicted = 0;
  private compactedAt = 0;
  private readonly watchers = new Map<string, Map<string, Set<Watcher>>>();

  constructor(capacity: number) {
    this.ring = new Array<StoredEvent | undefined>(Math.max(1, capacity));
  }

  /** The newest revision whose event left the ring; resuming from before it is 410 Expired. */
  get compactedRevision(): number {
    return this.lastEvicted;
  }

  publish(event: StoredEvent): void {
    this.remember(event);
    const scopes = this.watchers.get(event.key);
    if (!scopes) return;
    for (const scope of [ALL_NAMESPACES, event.namespace]) {
      for (const w of scopes.get(scope) ?? []) w.deliver(event);
    }
  }

  /**
   * Replays retained events after `sinceRv` for the watcher's resource, then keeps it informed.
   * Throws 410 Expired when events after `sinceRv` have already left the ring.
   */
  subscribe(watcher: Watcher, sinceRv: number): () => void {
    // Compacted away: the words of a real server serving watches from etcd (the test bed's watchCache: false).
    if (sinceRv < this.compactedAt) throw expired('The resourceVersion for the provided watch is too old.');
    // Out of the ring: the words of the watch cache, whose window the ring plays.
    if (sinceRv < this.lastEvicted) throw expired(`too old resource version: ${sinceRv} (${this.lastEvicted})`);
    for (let i = this.firstIndexAfter(sinceRv); i < this.size; i++) {
      const event = this.at(i);
      if (event.key === watcher.key && (watcher.namespace === undefined || watcher.namespace === event.namespace)) watcher.deliver(event);
    }
    let scopes = this.watchers.get(watcher.key);
    if (!scopes) this.watchers.set(watcher.key, (scopes = new Map()));
    const scope = watcher.namespace ?? ALL_NAMESPACES;
    let set = scopes.get(scope);
    if (!set) scopes.set(scope, (set = new Set()));
    set.add(watcher);
    return () => {
      set.delete(watcher);
      if (set.size === 0 && scopes.get(scope) === set) scopes.delete(scope);
    };
  }

  /** Retained events of one storage key after `sinceRv`, oldest first (the caller checked it is not compacted). */
  eventsAfter(sinceRv: number, key: string): StoredEvent[] {
    const out: StoredEvent[] = [];
    for (let i = this.firstIndexAfter(sinceRv); i < this.size; i++) {
      const event = this.at(i);
      if (event.key === key) out.push(event);
    }
    return out;
  }

  /** Forgets every retained event, as an etcd compaction at the current revision does: resuming from before it is 410 Expired. */
  compact(): void {
    if (this.size === 0) return;
    this.lastEvicted = this.at(this.size - 1).rv;
    this.compactedAt = this.lastEvicted;
    this.start = 0;
    this.size = 0;
  }

  /** Ends open watches (all, or those of one storage key), abruptly unless `graceful`. */
  closeWatches(key?: string, graceful = false): void {
    for (const [k, scopes] of this.watchers) {
      if (key !== undefined && k !== key) continue;
      for (const set of [...scopes.values()]) for (const w of [...set]) w.close(graceful);
    }
  }

  private remember(event: StoredEvent): void {
    if (this.size === this.ring.length) {
      this.lastEvicted = this.at(0).rv;
      this.start = (this.start + 1) % this.ring.length;
      this.size--;
    }
    this.ring[(this.start + this.size) % this.ring.length] = event;
    this.size++;
  }

  private at(i: number): StoredEvent {
    return this.ring[(this.start + i) % this.ring.length] as StoredEvent;
  }

  /** Binary search: events in the ring are in increasing rv order. */
  private firstIndexAfter(rv: number): number {
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.at(mid).rv <= rv) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
