/**
 * The name rules of k8s.io/apimachinery's validation package with their messages: DNS-1123 labels and
 * subdomains (object names, key prefixes), label values, and qualified names (label and annotation
 * keys, finalizers). Each returns the problems found, none for a valid value.
 */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

const LABEL_HELP = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const SUBDOMAIN_HELP = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const VALUE_HELP = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const QUALIFIED_HELP = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

const tooLong = (max: number): string => `must be no more than ${max} characters`;

export function dnsLabelErrors(value: string): string[] {
  return [...(value.length > 63 ? [tooLong(63)] : []), ...(DNS_LABEL.test(value) ? [] : [LABEL_HELP])];
}

export function dnsSubdomainErrors(value: string): string[] {
  return [...(value.length > 253 ? [tooLong(253)] : []), ...(DNS_SUBDOMAIN.test(value) ? [] : [SUBDOMAIN_HELP])];
}

/** Label values are strings; anything else fails as a malformed value would. */
export function labelValueErrors(value: unknown): string[] {
  if (typeof value !== 'string') return [VALUE_HELP];
  return [...(value.length > 63 ? [tooLong(63)] : []), ...(LABEL_VALUE.test(value) ? [] : [VALUE_HELP])];
}

/** `[prefix/]name`: an optional DNS subdomain prefix, then a name of at most 63 characters. */
export function qualifiedNameErrors(value: string): string[] {
  const parts = value.split('/');
  if (parts.length > 2) {
    return [`a qualified name ${QUALIFIED_HELP} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`];
  }
  const [prefix, name] = parts.length === 2 ? parts : [undefined, value];
  const errors: string[] = [];
  if (prefix === '') errors.push('prefix part must be non-empty');
  else if (prefix !== undefined) errors.push(...dnsSubdomainErrors(prefix).map((m) => `prefix part ${m}`));
  if (!name) errors.push('name part must be non-empty');
  else if (name.length > 63) errors.push(`name part ${tooLong(63)}`);
  if (!QUALIFIED_NAME.test(name ?? '')) errors.push(`name part ${QUALIFIED_HELP}`);
  return errors;
}
