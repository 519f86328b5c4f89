/**
 * Trigger `filter.attributes` matching as Knative's attributes filter does it: every listed
 * attribute must be present and equal (ANDed); the value "" matches any value but still needs
 * the attribute. The context attributes Knative looks up by name are always present (an unset
 * one counts as ""); an extension is present only when the event carries it.
 */
export type AttributesFilter = Readonly<Record<string, string>>;

/** The context attributes a filter can name, and which attribute each reads (`schemaurl` is 1.0's `dataschema`). */
const CONTEXT_ATTRIBUTES: Readonly<Record<string, string>> = {
  specversion: 'specversion',
  type: 'type',
  source: 'source',
  subject: 'subject',
  id: 'id',
  time: 'time',
  schemaurl: 'dataschema',
  datacontenttype: 'datacontenttype',
};

const NOT_EXTENSIONS = new Set(['data', 'data_base64', 'dataschema', ...Object.keys(CONTEXT_ATTRIBUTES)]);

function attributeValue(attributes: Readonly<Record<string, string>>, name: string): string | undefined {
  const contextAttribute = CONTEXT_ATTRIBUTES[name];
  if (contextAttribute !== undefined) return attributes[contextAttribute] ?? '';
  if (NOT_EXTENSIONS.has(name)) return undefined;
  return attributes[name];
}

/** `attributes`: an event's attributes as strings, extensions included (decode-event.ts, Envelope). */
export function matchesFilter(filter: AttributesFilter, attributes: Readonly<Record<string, string>>): boolean {
  return Object.entries(filter).every(([name, wanted]) => {
    const actual = attributeValue(attributes, name);
    return actual !== undefined && (wanted === '' || wanted === actual);
  });
}
