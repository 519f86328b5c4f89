/** DELETE of one object and DELETE of a collection (deletecollection) by selector. */
import { commitDelete } from '../commit.js';
import { present } from '../core.js';
import { isPlainObject } from '../kube-object.js';
import { parseJson } from '../http-io.js';
import { selectorOf } from '../list-query.js';
import { apiVersionOf, storageKey } from '../resource-def.js';
import { ApiError, forbidden, qualified, successStatus } from '../status-errors.js';
import { isDryRun } from './body.js';
import { storedOrNotFound } from './read.js';
import type { Call } from '../core.js';
import type { Reply } from '../http-io.js';
import type { KubeObject } from '../kube-object.js';

const UNDELETABLE_NAMESPACES = new Set(['default', 'kube-system', 'kube-public']);

function checkPreconditions(call: Call, stored: KubeObject): void {
  const options = call.body.length > 0 ? parseJson(call.body) : undefined;
  const pre = isPlainObject(options) && isPlainObject(options.preconditions) ? options.preconditions : {};
  const name = call.info.name ?? '';
  const fail = (what: string, wanted: unknown, actual: unknown): never => {
    throw new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(call.def)} "${name}": Precondition failed: ${what} in precondition: ${String(wanted)}, ${what} in object meta: ${String(actual)}`, { name, group: call.def.group, kind: call.def.plural });
  };
  if (pre.uid !== undefined && pre.uid !== stored.metadata.uid) fail('UID', pre.uid, stored.metadata.uid);
  if (pre.resourceVersion !== undefined && pre.resourceVersion !== stored.metadata.resourceVersion) {
    fail('ResourceVersion', pre.resourceVersion, stored.metadata.resourceVersion);
  }
}

export function handleDelete(call: Call): Reply {
  const { core, def } = call;
  const stored = storedOrNotFound(call);
  const name = call.info.name ?? '';
  if (def.strategy === 'namespace' && UNDELETABLE_NAMESPACES.has(name)) throw forbidden(def, name, 'this namespace may not be deleted');
  checkPreconditions(call, stored);
  if (isDryRun(call)) return { code: 200, body: present(def, stored) };
  const { object, gone } = commitDelete(core, def, stored);
  if (!gone) return { code: 200, body: present(def, object) };
  return { code: 200, body: successStatus({ name, group: def.group, kind: def.plural, uid: stored.metadata.uid }) };
}

export function handleDeleteCollection(call: Call): Reply {
  const { core, def, query } = call;
  const { match } = selectorOf(def, query);
  const namespace = def.namespaced ? call.info.namespace : undefined;
  const targets = core.store.list(storageKey(def), namespace).filter(match)
    .filter((o) => !(def.strategy === 'namespace' && UNDELETABLE_NAMESPACES.has(o.metadata.name ?? '')));
  const items = isDryRun(call) ? targets : targets.map((o) => commitDelete(core, def, o).object);
  return {
    code: 200,
    body: { apiVersion: apiVersionOf(def), kind: def.listKind, metadata: { resourceVersion: String(core.store.currentRevision) }, items: items.map((o) => present(def, o)) },
  };
}
