/** Validation of the metadata every object carries, with the fields and messages a real server writes. */
import { dnsLabelErrors, dnsSubdomainErrors, labelValueErrors, qualifiedNameErrors } from './name-rules.js';
import { isPlainObject } from './kube-object.js';
import type { StatusCause } from './status-errors.js';
import type { ObjectMeta } from './kube-object.js';

const MAX_ANNOTATION_BYTES = 256 * 1024;

const invalidValue = (field: string, value: string) => (message: string): StatusCause => ({
  reason: 'FieldValueInvalid', field, message: `Invalid value: ${JSON.stringify(value)}: ${message}`,
});

function nameCauses(name: string, nameRule: 'label' | 'subdomain'): StatusCause[] {
  if (!name) return [{ reason: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' }];
  return (nameRule === 'label' ? dnsLabelErrors(name) : dnsSubdomainErrors(name)).map(invalidValue('metadata.name', name));
}

function labelCauses(labels: Record<string, unknown>): StatusCause[] {
  return Object.entries(labels).flatMap(([key, value]) => [
    ...qualifiedNameErrors(key).map(invalidValue('metadata.labels', key)),
    ...labelValueErrors(value).map(invalidValue('metadata.labels', String(value))),
  ]);
}

/** Keys are qualified names in any case; keys and values together may hold at most 256 KiB. */
function annotationCauses(annotations: Record<string, unknown>): StatusCause[] {
  const causes = Object.keys(annotations).flatMap((key) => qualifiedNameErrors(key.toLowerCase()).map(invalidValue('metadata.annotations', key)));
  const bytes = Object.entries(annotations).reduce((sum, [k, v]) => sum + Buffer.byteLength(k) + Buffer.byteLength(String(v)), 0);
  if (bytes > MAX_ANNOTATION_BYTES) {
    causes.push({ reason: 'FieldValueTooLong', field: 'metadata.annotations', message: `Too long: may not be more than ${MAX_ANNOTATION_BYTES} bytes` });
  }
  return causes;
}

/** Every owner reference names its owner fully: apiVersion with a version, kind, name and uid. */
function ownerReferenceCauses(references: unknown[]): StatusCause[] {
  return references.filter(isPlainObject).flatMap((ref) => {
    const version = String(ref.apiVersion ?? '').split('/').pop() ?? '';
    const required: Array<[string, unknown, string]> = [
      ['apiVersion', version, 'version must not be empty'], ['kind', ref.kind, 'kind must not be empty'],
      ['name', ref.name, 'name must not be empty'], ['uid', ref.uid, 'uid must not be empty'],
    ];
    return required.filter(([, value]) => !value)
      .map(([field, , message]) => invalidValue(`metadata.ownerReferences.${field}`, String(ref[field] ?? ''))(message));
  });
}

/** `nameRule` is 'label' for namespaces (DNS-1123 label) and 'subdomain' for other objects. */
export function validateMeta(meta: ObjectMeta, nameRule: 'label' | 'subdomain'): StatusCause[] {
  return [
    ...nameCauses(meta.name ?? '', nameRule),
    ...labelCauses(meta.labels ?? {}),
    ...annotationCauses(meta.annotations ?? {}),
    ...ownerReferenceCauses(Array.isArray(meta.ownerReferences) ? meta.ownerReferences : []),
    ...(meta.finalizers ?? []).flatMap((f) => qualifiedNameErrors(String(f)).map(invalidValue('metadata.finalizers', String(f)))),
  ];
}

/** No finalizer may be added once deletion started; the new ones are listed sorted, as Go's string set does. */
export function validateFinalizersWhileDeleting(next: ObjectMeta, stored: ObjectMeta): StatusCause[] {
  if (!stored.deletionTimestamp) return [];
  const before = new Set(stored.finalizers ?? []);
  const added = [...new Set((next.finalizers ?? []).filter((f) => !before.has(f)))].sort();
  if (added.length === 0) return [];
  const list = added.map((f) => JSON.stringify(f)).join(', ');
  return [{
    reason: 'FieldValueForbidden', field: 'metadata.finalizers',
    message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{${list}}`,
  }];
}

/** A uid sent with an update must be the stored one: the server fills in a missing uid but never changes it. */
export function validateUid(sent: ObjectMeta, stored: ObjectMeta): StatusCause[] {
  if (!sent.uid || sent.uid === stored.uid) return [];
  return [invalidValue('metadata.uid', String(sent.uid))('field is immutable')];
}
