/**
 * All objects of the server, by storage key, namespace and name, under one global revision counter
 * (like etcd's). Every commit stamps a new resourceVersion and publishes the change to the watch hub.
 * Stored objects are never mutated afterwards: writers build a new object for each change.
 */
import type { EventType, KubeObject } from './kube-object.js';
import type { WatchHub } from './watch-hub.js';

type Table = Map<string, Map<string, KubeObject>>;

const byKeyPrefix = (a: string, b: string): number => (`${a}/` < `${b}/` ? -1 : `${a}/` > `${b}/` ? 1 : 0);

export class Store {
  private revision = 0;
  private readonly tables = new Map<string, Table>();

  constructor(private readonly hub: WatchHub) {}

  get currentRevision(): number {
    return this.revision;
  }

  get(key: string, namespace: string, name: string): KubeObject | undefined {
    return this.tables.get(key)?.get(namespace)?.get(name);
  }

  /**
   * Objects of a resource, in one namespace or all, in etcd key order (`<namespace>/<name>` compared as
   * strings): namespace `a-b` comes before `a`, because '-' sorts before '/'.
   */
  list(key: string, namespace?: string): KubeObject[] {
    const table = this.tables.get(key);
    if (!table) return [];
    const spaces = namespace === undefined ? [...table.keys()].sort(byKeyPrefix) : [namespace];
    const out: KubeObject[] = [];
    for (const ns of spaces) {
      const objects = table.get(ns);
      if (!objects) continue;
      for (const name of [...objects.keys()].sort()) out.push(objects.get(name) as KubeObject);
    }
    return out;
  }

  /** Stores `object` (stamping a fresh resourceVersion on it) and tells watchers. */
  commit(key: string, type: EventType, object: KubeObject, previous?: KubeObject): KubeObject {
    const rv = ++this.revision;
    object.metadata.resourceVersion = String(rv);
    const namespace = object.metadata.namespace ?? '';
    const name = object.metadata.name ?? '';
    const table = this.tableOf(key);
    if (type === 'DELETED') {
      table.get(namespace)?.delete(name);
      if (table.get(namespace)?.size === 0) table.delete(namespace);
    } else {
      let objects = table.get(namespace);
      if (!objects) table.set(namespace, (objects = new Map()));
      objects.set(name, object);
    }
    this.hub.publish(previous ? { rv, type, key, namespace, object, previous } : { rv, type, key, namespace, object });
    return object;
  }

  private tableOf(key: string): Table {
    let table = this.tables.get(key);
    if (!table) this.tables.set(key, (table = new Map()));
    return table;
  }
}
