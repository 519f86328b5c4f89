/**
 * Field selectors (`metadata.name=x,metadata.namespace!=y`). Only the fields a resource declares
 * selectable are accepted; anything else is the 400 a real server answers.
 */
import { badRequest } from './status-errors.js';
import type { KubeObject } from './kube-object.js';

export type ObjectPredicate = (object: KubeObject) => boolean;

interface FieldRequirement { path: string[]; equal: boolean; value: string }

function fieldValue(object: KubeObject, path: string[]): string {
  let cursor: unknown = object;
  for (const part of path) cursor = typeof cursor === 'object' && cursor !== null ? (cursor as Record<string, unknown>)[part] : undefined;
  return cursor === undefined || cursor === null ? '' : String(cursor);
}

function parseTerm(term: string, allowed: Set<string>): FieldRequirement {
  const match = /^\s*([^!=\s]+)\s*(==|!=|=)\s*(.*?)\s*$/.exec(term);
  if (!match) throw badRequest(`invalid selector: '${term}'; can't understand '${term}'`);
  const [, field, op, value] = match as unknown as [string, string, string, string];
  if (!allowed.has(field)) throw badRequest(`field label not supported: ${field}`);
  return { path: field.split('.'), equal: op !== '!=', value };
}

export function parseFieldSelector(text: string | undefined, selectable: string[]): ObjectPredicate | undefined {
  if (!text || text.trim() === '') return undefined;
  const allowed = new Set(['metadata.name', 'metadata.namespace', ...selectable]);
  const requirements = text.split(',').map((t) => parseTerm(t, allowed));
  return (object) => requirements.every((r) => (fieldValue(object, r.path) === r.value) === r.equal);
}
