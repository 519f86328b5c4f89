/** GET of one object and LIST of a collection, as JSON or as a Table when kubectl asks for one. */
import { namespaceOf, present } from '../core.js';
import { continueTokenOf, page, selectorOf } from '../list-query.js';
import { apiVersionOf, storageKey } from '../resource-def.js';
import { objectsAt } from '../snapshot.js';
import { notFound } from '../status-errors.js';
import { toTable, wantsTable } from '../tables.js';
import type { Call } from '../core.js';
import type { Reply } from '../http-io.js';
import type { KubeObject } from '../kube-object.js';

export function storedOrNotFound(call: Call): KubeObject {
  const name = call.info.name ?? '';
  const object = call.core.store.get(storageKey(call.def), namespaceOf(call), name);
  if (!object) throw notFound(call.def, name);
  return object;
}

export function handleGet(call: Call): Reply {
  const object = present(call.def, storedOrNotFound(call));
  if (!wantsTable(call.headers.accept)) return { code: 200, body: object };
  const listMeta = { resourceVersion: object.metadata.resourceVersion };
  return { code: 200, body: toTable(call.def, [object], { now: call.core.now(), includeObject: call.query.get('includeObject'), withColumns: true, listMeta }) };
}

export function handleList(call: Call): Reply {
  const { core, def, query } = call;
  const { match, selective } = selectorOf(def, query);
  const namespace = def.namespaced ? call.info.namespace : undefined;
  const token = continueTokenOf(query, core.hub.compactedRevision, core.store.currentRevision);
  const objects = token ? objectsAt(core, storageKey(def), namespace, token.rv) : core.store.list(storageKey(def), namespace);
  const result = page({ all: objects.filter(match), query, selective, revision: core.store.currentRevision, token });
  const metadata: Record<string, unknown> = { resourceVersion: String(result.revision) };
  // A custom resource's list is unstructured on a real server: `continue` is there even when empty.
  if (result.continueToken || (def.strategy === 'custom' && !wantsTable(call.headers.accept))) metadata.continue = result.continueToken ?? '';
  if (result.remainingItemCount !== undefined) metadata.remainingItemCount = result.remainingItemCount;
  const items = result.items.map((o) => present(def, o));
  if (wantsTable(call.headers.accept)) {
    return { code: 200, body: toTable(def, items, { now: core.now(), includeObject: query.get('includeObject'), withColumns: true, listMeta: metadata }) };
  }
  return { code: 200, body: { apiVersion: apiVersionOf(def), kind: def.listKind, metadata, items } };
}
