/**
 * Trigger `filter.attributes` matching as Knative's attributes filter does it: every listed
 * attribute must be present and equal (ANDed); the value "" matches any value but still needs
 * the attribute. The context attributes Knative looks up by name are always present (an unset
 * one counts as ""); an extension is present only when the event carries it.
 */
import type { CloudEventV1 } from 'cloudevents';

export type AttributesFilter = Readonly<Record<string, string>>;

const CONTEXT_ATTRIBUTES: Record<string, (event: CloudEventV1<unknown>) => unknown> = {
  specversion: (e) => e.specversion,
  type: (e) => e.type,
  source: (e) => e.source,
  subject: (e) => e.subject,
  id: (e) => e.id,
  time: (e) => e.time,
  schemaurl: (e) => e.dataschema,
  datacontenttype: (e) => e.datacontenttype,
};

const NOT_EXTENSIONS = new Set(['data', 'data_base64', 'dataschema', ...Object.keys(CONTEXT_ATTRIBUTES)]);

function attributeValue(event: CloudEventV1<unknown>, name: string): string | undefined {
  const contextAttribute = CONTEXT_ATTRIBUTES[name];
  if (contextAttribute) return String(contextAttribute(event) ?? '');
  if (NOT_EXTENSIONS.has(name)) return undefined;
  const value = event[name];
  return value === undefined || value === null ? undefined : String(value);
}

export function matchesFilter(filter: AttributesFilter, event: CloudEventV1<unknown>): boolean {
  return Object.entries(filter).every(([name, wanted]) => {
    const actual = attributeValue(event, name);
    return actual !== undefined && (wanted === '' || wanted === actual);
  });
}
