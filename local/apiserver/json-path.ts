/**
 * The JSONPath subset CRD printer columns use: `.a.b`, `[0]`, `[*]`, `['key']` and filters
 * `[?(@.type=="Ready")]`. Returns every value found, in order.
 */
import { isPlainObject } from './kube-object.js';

type Step = { field: string } | { index: number } | { all: true } | { filter: string[]; equals: string };

const STEP = /\.([A-Za-z0-9_\-$]+)|\[(\d+)\]|\[\*\]|\['([^']*)'\]|\[\?\(@\.([A-Za-z0-9_.-]+)\s*==\s*["']([^"']*)["']\)\]/y;

function parse(path: string): Step[] | undefined {
  const text = path.trim().replace(/^\{(.*)\}$/, '$1').replace(/^\$/, '');
  const steps: Step[] = [];
  STEP.lastIndex = 0;
  while (STEP.lastIndex < text.length) {
    const m = STEP.exec(text);
    if (!m) return undefined;
    if (m[1] !== undefined) steps.push({ field: m[1] });
    else if (m[2] !== undefined) steps.push({ index: Number(m[2]) });
    else if (m[3] !== undefined) steps.push({ field: m[3] });
    else if (m[4] !== undefined) steps.push({ filter: m[4].split('.'), equals: m[5] ?? '' });
    else steps.push({ all: true });
  }
  return steps;
}

function dig(value: unknown, path: string[]): unknown {
  return path.reduce<unknown>((v, key) => (isPlainObject(v) ? v[key] : undefined), value);
}

function apply(step: Step, value: unknown): unknown[] {
  if ('field' in step) return isPlainObject(value) && value[step.field] !== undefined ? [value[step.field]] : [];
  if (!Array.isArray(value)) return 'all' in step && isPlainObject(value) ? Object.values(value) : [];
  if ('index' in step) return step.index < value.length ? [value[step.index]] : [];
  if ('all' in step) return value;
  return value.filter((item) => String(dig(item, step.filter)) === step.equals);
}

export function evaluate(path: string, object: unknown): unknown[] {
  const steps = parse(path);
  if (!steps) return [];
  return steps.reduce<unknown[]>((values, step) => values.flatMap((v) => apply(step, v)), [object]);
}
