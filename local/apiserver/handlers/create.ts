/** POST: create an object, generating its name from generateName when asked. */
import { admit, parseFieldValidation } from '../admission.js';
import { commitWrite } from '../commit.js';
import { namespaceOf, present } from '../core.js';
import { isPlainObject } from '../kube-object.js';
import { generateName } from '../object-meta.js';
import { NAMESPACES, storageKey } from '../resource-def.js';
import { alreadyExists, badRequest, forbidden, notFound } from '../status-errors.js';
import { decodeObjectBody, isDryRun, warningHeaders } from './body.js';
import type { Call } from '../core.js';
import type { Reply } from '../http-io.js';
import type { KubeObject } from '../kube-object.js';

/** A namespaced create needs its namespace to exist and not be terminating. */
export function checkNamespaceAcceptsContent(call: Call, name: string): void {
  if (!call.def.namespaced) return;
  const namespace = call.info.namespace ?? '';
  const ns = call.core.store.get(storageKey(NAMESPACES), '', namespace);
  if (!ns) throw notFound(NAMESPACES, namespace);
  if (ns.metadata.deletionTimestamp) {
    // The NamespaceLifecycle admission plugin's cause: clients can tell this refusal from RBAC's by it.
    const cause = { reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' };
    throw forbidden(call.def, name, `unable to create new content in namespace ${namespace} because it is being terminated`, [cause]);
  }
}

function withUrlNamespace(call: Call, body: unknown): unknown {
  if (!isPlainObject(body) || !call.def.namespaced) return body;
  const meta = isPlainObject(body.metadata) ? body.metadata : {};
  if (meta.namespace !== undefined && meta.namespace !== '' && meta.namespace !== call.info.namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  return { ...body, metadata: { ...meta, namespace: call.info.namespace } };
}

function freeGeneratedName(call: Call, prefix: string): string {
  for (;;) {
    const candidate = generateName(prefix);
    if (!call.core.store.get(storageKey(call.def), namespaceOf(call), candidate)) return candidate;
  }
}

function nameBody(call: Call, body: unknown): unknown {
  if (!isPlainObject(body) || !isPlainObject(body.metadata)) return body;
  const meta = body.metadata;
  if (meta.name || typeof meta.generateName !== 'string' || !meta.generateName) return body;
  return { ...body, metadata: { ...meta, name: freeGeneratedName(call, meta.generateName) } };
}

export function handleCreate(call: Call): Reply {
  const { core, def } = call;
  const body = nameBody(call, withUrlNamespace(call, decodeObjectBody(call)));
  const fieldValidation = parseFieldValidation(call.query.get('fieldValidation'));
  const { object, warnings } = admit({ def, body, fieldValidation, verb: 'create', now: core.now() });
  const name = object.metadata.name ?? '';
  checkNamespaceAcceptsContent(call, name);
  if (core.store.get(storageKey(def), namespaceOf(call), name)) throw alreadyExists(def, name);
  const saved: KubeObject = isDryRun(call) ? object : commitWrite(core, def, object);
  return { code: 201, body: present(def, saved), headers: warningHeaders(warnings) };
}
