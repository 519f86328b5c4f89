/**
 * JSON merge patch (RFC 7386) and JSON patch (RFC 6902) over plain JSON values. A JSON patch that cannot
 * apply (bad path, failed `test`) is the 422 a real server answers.
 */
import { isPlainObject, jsonEqual } from './kube-object.js';
import { badRequest, patchRejected } from './status-errors.js';

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return patch;
  const out: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

interface Operation { op: string; path: string; value?: unknown; from?: string }

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw patchRejected();
  return path.slice(1).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

type Container = Record<string, unknown> | unknown[];

/** Walks to the parent of the pointer's last token, copying every container on the way (no aliasing). */
function parentOf(root: { doc: unknown }, tokens: string[]): { parent: Container; key: string } {
  if (tokens.length === 0) throw patchRejected();
  let holder: Record<string, unknown> | unknown[] = root as unknown as Record<string, unknown>;
  let holderKey: string = 'doc';
  for (const token of tokens.slice(0, -1)) {
    const current = getChild(holder, holderKey);
    const copy = copyContainer(current);
    setChild(holder, holderKey, copy);
    holder = copy;
    holderKey = token;
  }
  const parent = copyContainer(getChild(holder, holderKey));
  setChild(holder, holderKey, parent);
  return { parent, key: tokens[tokens.length - 1] as string };
}

function copyContainer(value: unknown): Container {
  if (Array.isArray(value)) return [...value];
  if (isPlainObject(value)) return { ...value };
  throw patchRejected();
}

function arrayIndex(array: unknown[], key: string, allowEnd: boolean): number {
  if (key === '-' && allowEnd) return array.length;
  if (!/^(0|[1-9]\d*)$/.test(key)) throw patchRejected();
  const index = Number(key);
  if (index > array.length || (!allowEnd && index === array.length)) throw patchRejected();
  return index;
}

function getChild(container: Container, key: string): unknown {
  if (Array.isArray(container)) return container[arrayIndex(container, key, false)];
  if (!Object.prototype.hasOwnProperty.call(container, key)) throw patchRejected();
  return container[key];
}

function setChild(container: Container, key: string, value: unknown): void {
  if (Array.isArray(container)) container[arrayIndex(container, key, false)] = value;
  else container[key] = value;
}

function readAt(doc: unknown, tokens: string[]): unknown {
  let cursor = doc;
  for (const token of tokens) cursor = getChild(copyContainer(cursor), token);
  return cursor;
}

const read = (doc: unknown, path: string): unknown => readAt(doc, pointer(path));

/** `test` as the server's JSON-patch library runs it: a member missing from an existing parent counts as null. */
function testHolds(doc: unknown, op: Operation): boolean {
  const tokens = pointer(op.path);
  const last = tokens[tokens.length - 1];
  if (last === undefined) return jsonEqual(doc, op.value);
  const parent = copyContainer(readAt(doc, tokens.slice(0, -1)));
  const missing = !Array.isArray(parent) && !Object.prototype.hasOwnProperty.call(parent, last);
  const value = missing ? null : getChild(parent, last);
  return value === null ? op.value === null || op.value === undefined : jsonEqual(value, op.value);
}

function add(root: { doc: unknown }, path: string, value: unknown): void {
  const tokens = pointer(path);
  if (tokens.length === 0) { root.doc = value; return; }
  const { parent, key } = parentOf(root, tokens);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, true), 0, value);
  else parent[key] = value;
}

function remove(root: { doc: unknown }, path: string): unknown {
  const { parent, key } = parentOf(root, pointer(path));
  const old = getChild(parent, key);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, false), 1);
  else delete parent[key];
  return old;
}

function applyOperation(root: { doc: unknown }, op: Operation): void {
  switch (op.op) {
    case 'add': return add(root, op.path, op.value);
    case 'remove': remove(root, op.path); return;
    case 'replace': remove(root, op.path); return add(root, op.path, op.value);
    case 'move': return add(root, op.path, remove(root, op.from ?? ''));
    case 'copy': return add(root, op.path, read(root.doc, op.from ?? ''));
    case 'test': if (!testHolds(root.doc, op)) throw patchRejected(); return;
    default: throw patchRejected();
  }
}

export function jsonPatch(target: unknown, operations: unknown): unknown {
  if (!Array.isArray(operations)) throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  const root = { doc: target };
  for (const op of operations) {
    if (!isPlainObject(op) || typeof op.op !== 'string' || typeof op.path !== 'string') throw patchRejected();
    applyOperation(root, op as unknown as Operation);
  }
  return root.doc;
}
