/** PUT: replace an object (or its status) under optimistic concurrency on resourceVersion. */
import { admit, parseFieldValidation } from '../admission.js';
import { commitWrite } from '../commit.js';
import { present } from '../core.js';
import { isPlainObject, jsonEqual } from '../kube-object.js';
import { badRequest, conflict, invalidResource, uidPreconditionFailed } from '../status-errors.js';
import { decodeObjectBody, isDryRun, warningHeaders } from './body.js';
import { storedOrNotFound } from './read.js';
import type { Call } from '../core.js';
import type { Reply } from '../http-io.js';
import type { KubeObject } from '../kube-object.js';

function checkIdentity(call: Call, body: unknown): void {
  if (!isPlainObject(body) || !isPlainObject(body.metadata)) return;
  const { name, namespace } = body.metadata;
  if (name !== undefined && name !== call.info.name) {
    throw badRequest(`the name of the object (${String(name)}) does not match the name on the URL (${call.info.name ?? ''})`);
  }
  if (call.def.namespaced && namespace !== undefined && namespace !== '' && namespace !== call.info.namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
}

const withoutVersion = (o: KubeObject): KubeObject => ({ ...o, metadata: { ...o.metadata, resourceVersion: undefined } });

/** A write that changes nothing keeps the stored object and its resourceVersion, as on a real server. */
function save(call: Call, object: KubeObject, stored: KubeObject): KubeObject {
  if (jsonEqual(withoutVersion(object), withoutVersion(stored))) return stored;
  return isDryRun(call) ? object : commitWrite(call.core, call.def, object, stored);
}

/** Admits `body` as the next state of `stored` and commits it unless nothing changed. */
export function applyUpdate(call: Call, body: unknown, stored: KubeObject, verb: 'update' | 'patch'): Reply {
  const { core, def } = call;
  const fieldValidation = parseFieldValidation(call.query.get('fieldValidation'));
  const { object, warnings } = admit({ def, body, stored, subresource: call.info.subresource, fieldValidation, verb, now: core.now() });
  return { code: 200, body: present(def, save(call, object, stored)), headers: warningHeaders(warnings) };
}

/** A replace's uid is a precondition on the stored object (a patch that changes it is refused as immutable instead). */
function checkUid(call: Call, body: unknown, stored: KubeObject): void {
  const uid = isPlainObject(body) && isPlainObject(body.metadata) ? body.metadata.uid : undefined;
  if (typeof uid !== 'string' || uid === '' || uid === stored.metadata.uid) return;
  throw uidPreconditionFailed(call.def, call.info.namespace, call.info.name ?? '', uid, String(stored.metadata.uid));
}

function checkResourceVersion(call: Call, body: unknown, stored: KubeObject): void {
  const meta = isPlainObject(body) && isPlainObject(body.metadata) ? body.metadata : {};
  const rv = meta.resourceVersion;
  if (rv === undefined || rv === '') {
    if (call.def.strategy === 'namespace') return;
    throw invalidResource(call.def, call.info.name ?? '', [{ reason: 'FieldValueInvalid', field: 'metadata.resourceVersion', message: 'Invalid value: 0x0: must be specified for an update' }]);
  }
  if (rv !== stored.metadata.resourceVersion) throw conflict(call.def, call.info.name ?? '');
}

/** PUT …/namespaces/<name>/finalize: only spec.finalizers changes; an emptied, terminating namespace goes. */
function finalizeNamespace(call: Call, body: unknown, stored: KubeObject): Reply {
  const spec = isPlainObject(body) && isPlainObject(body.spec) ? body.spec : {};
  const finalizers = Array.isArray(spec.finalizers) ? spec.finalizers : [];
  const next: KubeObject = { ...stored, metadata: { ...stored.metadata }, spec: { ...(stored.spec as object), finalizers } };
  return { code: 200, body: commitWrite(call.core, call.def, next, stored) };
}

export function handleUpdate(call: Call): Reply {
  const body = decodeObjectBody(call);
  checkIdentity(call, body);
  const stored = storedOrNotFound(call);
  checkUid(call, body, stored);
  checkResourceVersion(call, body, stored);
  if (call.info.subresource === 'finalize') return finalizeNamespace(call, body, stored);
  return applyUpdate(call, body, stored, 'update');
}
