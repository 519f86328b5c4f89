/**
 * The objects of one resource as they were at an earlier revision, as etcd serves a continued list:
 * the current objects with every retained event after that revision undone, newest first.
 */
import type { Core } from './core.js';
import type { KubeObject } from './kube-object.js';

const idOf = (o: KubeObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;

export function objectsAt(core: Core, key: string, namespace: string | undefined, revision: number): KubeObject[] {
  const objects = new Map(core.store.list(key, namespace).map((o) => [idOf(o), o]));
  const later = core.hub.eventsAfter(revision, key).filter((e) => namespace === undefined || e.namespace === namespace);
  for (const event of later.reverse()) {
    if (event.type === 'ADDED') objects.delete(idOf(event.object));
    else objects.set(idOf(event.object), event.previous ?? event.object);
  }
  return [...objects.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, o]) => o);
}
