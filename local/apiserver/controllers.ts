/**
 * The in-process stand-ins for the controllers a real control plane runs for built-in kinds:
 * CRDs become served resources (and take their objects with them when deleted); a terminating
 * namespace has its content deleted and goes once it is empty.
 */
import { commitDelete } from './commit.js';
import { defsFromCrd } from './crd-defs.js';
import { NAMESPACES, storageKey } from './resource-def.js';
import type { Core } from './core.js';
import type { CrdObject } from './crd-defs.js';
import type { KubeObject } from './kube-object.js';
import type { ResourceDef } from './resource-def.js';

function onCrd(core: Core, type: string, crd: KubeObject): void {
  const name = crd.metadata.name ?? '';
  if (type !== 'DELETED') {
    const schemaRevision = core.store.currentRevision;
    core.registry.setCrd(name, defsFromCrd(crd as unknown as CrdObject).map((def) => ({ ...def, schemaRevision })));
    return;
  }
  const removed = core.registry.removeCrd(name);
  const first = removed[0];
  if (!first) return;
  const key = storageKey(first);
  for (const object of core.store.list(key)) core.store.commit(key, 'DELETED', { ...object, metadata: { ...object.metadata } }, object);
  core.hub.closeWatches(key, true);
}

/** Deletes what is left in a terminating namespace; when nothing is, the namespace itself goes. */
function sweepNamespace(core: Core, namespace: string): void {
  const ns = core.store.get(storageKey(NAMESPACES), '', namespace);
  if (!ns?.metadata.deletionTimestamp) return;
  let remaining = 0;
  for (const def of namespacedDefs(core)) {
    for (const object of core.store.list(storageKey(def), namespace)) {
      if (!commitDelete(core, def, object).gone) remaining++;
    }
  }
  if (remaining > 0) return;
  const latest = core.store.get(storageKey(NAMESPACES), '', namespace);
  if (latest) core.store.commit(storageKey(NAMESPACES), 'DELETED', { ...latest, metadata: { ...latest.metadata }, spec: { finalizers: [] } }, latest);
}

function namespacedDefs(core: Core): ResourceDef[] {
  const byKey = new Map<string, ResourceDef>();
  for (const def of core.registry.all()) if (def.namespaced) byKey.set(storageKey(def), def);
  return [...byKey.values()];
}

/** Returns the afterCommit hook; namespace sweeps run on the next turn, so DELETE answers Terminating first. */
export function controllers(core: () => Core): (def: ResourceDef, type: string, object: KubeObject) => void {
  const pending = new Set<string>();
  const schedule = (namespace: string): void => {
    if (pending.has(namespace)) return;
    pending.add(namespace);
    setImmediate(() => {
      pending.delete(namespace);
      sweepNamespace(core(), namespace);
    });
  };
  return (def, type, object) => {
    if (def.strategy === 'crd') onCrd(core(), type, object);
    else if (def.strategy === 'namespace' && object.metadata.deletionTimestamp && type !== 'DELETED') schedule(object.metadata.name ?? '');
    else if (def.namespaced && type === 'DELETED') {
      const ns = core().store.get(storageKey(NAMESPACES), '', object.metadata.namespace ?? '');
      if (ns?.metadata.deletionTimestamp) schedule(ns.metadata.name ?? '');
    }
  };
}
