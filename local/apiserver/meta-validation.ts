/** Validation of the metadata every object carries, with the messages a real server writes. */
import type { StatusCause } from './status-errors.js';
import type { ObjectMeta } from './kube-object.js';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

const LABEL_HELP = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const SUBDOMAIN_HELP = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const VALUE_HELP = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

const invalidValue = (field: string, value: string, help: string): StatusCause => ({
  reason: 'FieldValueInvalid', field, message: `Invalid value: ${JSON.stringify(value)}: ${help}`,
});

/** `nameRule` is 'label' for namespaces (DNS-1123 label) and 'subdomain' for other objects. */
export function validateMeta(meta: ObjectMeta, nameRule: 'label' | 'subdomain'): StatusCause[] {
  const causes: StatusCause[] = [];
  const name = meta.name ?? '';
  if (!name) {
    causes.push({ reason: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' });
  } else if (nameRule === 'label' ? !DNS_LABEL.test(name) || name.length > 63 : !DNS_SUBDOMAIN.test(name) || name.length > 253) {
    causes.push(invalidValue('metadata.name', name, nameRule === 'label' ? LABEL_HELP : SUBDOMAIN_HELP));
  }
  for (const [key, value] of Object.entries(meta.labels ?? {})) {
    if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value)) {
      causes.push(invalidValue(`metadata.labels`, String(value), VALUE_HELP));
    }
    if (!key) causes.push({ reason: 'FieldValueInvalid', field: 'metadata.labels', message: 'Invalid value: "": name part must be non-empty' });
  }
  return causes;
}

/** No finalizer may be added once deletion started. */
export function validateFinalizersWhileDeleting(next: ObjectMeta, stored: ObjectMeta): StatusCause[] {
  if (!stored.deletionTimestamp) return [];
  const before = new Set(stored.finalizers ?? []);
  const added = (next.finalizers ?? []).filter((f) => !before.has(f));
  if (added.length === 0) return [];
  const list = added.map((f) => JSON.stringify(f)).join(', ');
  return [{
    reason: 'FieldValueForbidden', field: 'metadata.finalizers',
    message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{${list}}`,
  }];
}
