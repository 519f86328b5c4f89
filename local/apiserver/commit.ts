/**
 * Commits writes and deletions with Kubernetes lifecycle rules: an object with finalizers is only
 * marked for deletion; it goes once its last finalizer is removed.
 */
import { storageKey } from './resource-def.js';
import { timestamp } from './object-meta.js';
import type { Core } from './core.js';
import type { KubeObject } from './kube-object.js';
import type { ResourceDef } from './resource-def.js';

const hasFinalizers = (o: KubeObject): boolean => (o.metadata.finalizers?.length ?? 0) > 0;

function isBeingFinalized(o: KubeObject): boolean {
  const spec = o.spec as { finalizers?: unknown[] } | undefined;
  return o.kind === 'Namespace' && (spec?.finalizers?.length ?? 0) > 0;
}

/**
 * Stores a created or updated object. An update that leaves a deleting object without finalizers is
 * never written, as on a real server: the stored object is deleted instead, so watchers get DELETED with
 * its last stored state (finalizers included) while the writer gets back the object it sent.
 */
export function commitWrite(core: Core, def: ResourceDef, object: KubeObject, stored?: KubeObject): KubeObject {
  const key = storageKey(def);
  if (stored?.metadata.deletionTimestamp && !hasFinalizers(object) && !isBeingFinalized(object)) {
    const gone = core.store.commit(key, 'DELETED', { ...stored, metadata: { ...stored.metadata } }, stored);
    core.afterCommit(def, 'DELETED', gone);
    return object;
  }
  const type = stored ? 'MODIFIED' : 'ADDED';
  const saved = core.store.commit(key, type, object, stored);
  core.afterCommit(def, type, saved);
  return saved;
}

/**
 * Deletes `stored`: with finalizers it gets deletionTimestamp (and a generation bump) and stays; without,
 * it is removed. Returns the object's state afterwards and whether it is gone.
 */
export function commitDelete(core: Core, def: ResourceDef, stored: KubeObject): { object: KubeObject; gone: boolean } {
  if (!hasFinalizers(stored) && !isBeingFinalized(stored)) {
    const gone = core.store.commit(storageKey(def), 'DELETED', { ...stored, metadata: { ...stored.metadata } }, stored);
    core.afterCommit(def, 'DELETED', gone);
    return { object: gone, gone: true };
  }
  if (stored.metadata.deletionTimestamp) return { object: stored, gone: false };
  const metadata = { ...stored.metadata, deletionTimestamp: timestamp(core.now()), deletionGracePeriodSeconds: 0 };
  if (metadata.generation !== undefined) metadata.generation += 1;
  const marked: KubeObject = { ...stored, metadata };
  if (stored.kind === 'Namespace') marked.status = { ...(stored.status as object), phase: 'Terminating' };
  const saved = core.store.commit(storageKey(def), 'MODIFIED', marked, stored);
  core.afterCommit(def, 'MODIFIED', saved);
  return { object: saved, gone: false };
}
