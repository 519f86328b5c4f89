/**
 * Server-owned metadata: what a create fills in, what an update may not change, and the ObjectMeta
 * field set (anything else under metadata is an unknown field and is dropped).
 */
import { randomInt, randomUUID } from 'node:crypto';
import type { ObjectMeta } from './kube-object.js';

const OBJECT_META_FIELDS = new Set([
  'name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation', 'creationTimestamp',
  'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers', 'managedFields',
]);

/** ObjectMeta marks these omitempty: an empty map or list is not kept. */
const OMIT_WHEN_EMPTY = new Set(['labels', 'annotations', 'finalizers', 'ownerReferences', 'managedFields']);

const isEmpty = (value: unknown): boolean =>
  value === null || (Array.isArray(value) ? value.length === 0 : typeof value === 'object' && Object.keys(value as object).length === 0);

/** Drops fields ObjectMeta does not have (returning their paths for field validation) and empty collections. */
export function cutToObjectMeta(meta: ObjectMeta): { meta: ObjectMeta; unknown: string[] } {
  const kept: ObjectMeta = {};
  const unknown: string[] = [];
  for (const [field, value] of Object.entries(meta)) {
    if (!OBJECT_META_FIELDS.has(field)) unknown.push(`metadata.${field}`);
    else if (!(OMIT_WHEN_EMPTY.has(field) && isEmpty(value))) kept[field] = value;
  }
  return { meta: kept, unknown };
}

/** RFC 3339 UTC with whole seconds, as Kubernetes serializes metav1.Time. */
export function timestamp(now: Date): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const GENERATED_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const MAX_PREFIX = 58;

export function generateName(prefix: string): string {
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += GENERATED_ALPHABET[randomInt(GENERATED_ALPHABET.length)];
  return prefix.slice(0, MAX_PREFIX) + suffix;
}

/** Metadata of a newly created object: server-owned fields replaced, client fields kept. */
export function metaForCreate(meta: ObjectMeta, now: Date): ObjectMeta {
  const out: ObjectMeta = { ...meta, uid: randomUUID(), generation: 1, creationTimestamp: timestamp(now) };
  delete out.deletionTimestamp;
  delete out.deletionGracePeriodSeconds;
  delete out.resourceVersion;
  delete out.selfLink;
  delete out.managedFields;
  return out;
}

const SERVER_OWNED = ['name', 'namespace', 'uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation', 'generateName'];

/** Metadata of an updated object: identity and lifecycle fields always come from the stored one. */
export function metaForUpdate(incoming: ObjectMeta, stored: ObjectMeta): ObjectMeta {
  const out: Record<string, unknown> = { ...incoming };
  for (const field of SERVER_OWNED) {
    if (stored[field] === undefined) delete out[field];
    else out[field] = stored[field];
  }
  delete out.managedFields;
  delete out.selfLink;
  return out as ObjectMeta;
}
