import type { ChangeKind, KubeObject } from '../../shared/watch/index.js';

interface Seen {
  generation: number | undefined;
  deleting: boolean;
}

/**
 * Drops updates in which neither metadata.generation nor metadata.deletionTimestamp changed: status,
 * label, annotation and finalizer writes. Remembers only uid → (generation, deleting), never objects.
 */
export class GenerationFilter {
  private readonly seen = new Map<string, Seen>();

  /** A (re)list begins: forget everything; its `add`s bring back exactly the objects that still exist. */
  forgetAll(): void {
    this.seen.clear();
  }

  /** Whether this change should become an event; updates the memory either way. */
  admit(kind: ChangeKind, obj: KubeObject): boolean {
    const uid = obj.metadata?.uid;
    if (!uid) return true;
    if (kind === 'delete') {
      this.seen.delete(uid);
      return true;
    }
    const before = this.seen.get(uid);
    this.remember(obj);
    if (kind === 'add' || !before) return true;
    const now = seenOf(obj);
    return now.generation !== before.generation || now.deleting !== before.deleting;
  }

  /** How many objects are remembered (bounded by the number of live objects). */
  get size(): number {
    return this.seen.size;
  }

  private remember(obj: KubeObject): void {
    const uid = obj.metadata?.uid;
    if (uid) this.seen.set(uid, seenOf(obj));
  }
}

function seenOf(obj: KubeObject): Seen {
  return { generation: obj.metadata?.generation, deleting: Boolean(obj.metadata?.deletionTimestamp) };
}
