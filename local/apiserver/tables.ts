/**
 * The meta.k8s.io/v1 Table answer `kubectl get` asks for: Name, then the resource's printer columns
 * (or Age when it has none), one row per object with its metadata as a PartialObjectMetadata.
 */
import { evaluate } from './json-path.js';
import { humanDuration } from './human-duration.js';
import type { KubeObject } from './kube-object.js';
import type { PrinterColumn, ResourceDef } from './resource-def.js';

export interface ColumnDefinition { name: string; type: string; format: string; description: string; priority: number }

const NAME_COLUMN: PrinterColumn = { name: 'Name', type: 'string', format: 'name', jsonPath: '.metadata.name', description: 'Name must be unique within a namespace. It is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names' };
const AGE_COLUMN: PrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' };

export function wantsTable(accept: string | undefined): boolean {
  return accept !== undefined && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}

function columnsOf(def: ResourceDef): PrinterColumn[] {
  const extra = def.printerColumns;
  return [NAME_COLUMN, ...(extra.length > 0 ? extra : [AGE_COLUMN])];
}

/** A date cell: an age, `<invalid>` for text that is no timestamp, `<unknown>` for an empty one. */
function dateCell(value: string, now: Date): string {
  if (value === '') return '<unknown>';
  const at = Date.parse(value);
  return Number.isNaN(at) ? '<invalid>' : humanDuration(now.getTime() - at);
}

/**
 * One cell as the CRD table convertor renders it: only the first value the JSONPath finds; string
 * columns print any value as text (objects as JSON); other types keep values of their own type only.
 */
function cell(column: PrinterColumn, object: KubeObject, now: Date): unknown {
  const value = evaluate(column.jsonPath, object)[0];
  if (value === undefined || value === null) return null;
  switch (column.type) {
    case 'string': return typeof value === 'object' ? JSON.stringify(value) : String(value);
    case 'integer': return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number': return typeof value === 'number' ? value : null;
    case 'boolean': return typeof value === 'boolean' ? value : null;
    case 'date': return typeof value === 'string' ? dateCell(value, now) : null;
    default: return null;
  }
}

function rowObject(object: KubeObject, include: string | null): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return object;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata };
}

export interface TableOptions { now: Date; includeObject: string | null; withColumns: boolean; listMeta: Record<string, unknown> }

export function toTable(def: ResourceDef, objects: KubeObject[], options: TableOptions): object {
  const columns = columnsOf(def);
  const rows = objects.map((o) => ({ cells: columns.map((c) => cell(c, o, options.now)), object: rowObject(o, options.includeObject) }));
  const columnDefinitions: ColumnDefinition[] = columns.map((c) => ({
    name: c.name, type: c.type, format: c.format ?? '', description: c.description ?? '', priority: c.priority ?? 0,
  }));
  return { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: options.listMeta, ...(options.withColumns ? { columnDefinitions } : { columnDefinitions: null }), rows };
}
