/**
 * Patches as values, so the pure core can decide them and the cluster port can send them with the
 * content type they name: `merge` as application/merge-patch+json, `json` as application/json-patch+json.
 */
export interface JsonPatchOperation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  value?: unknown;
  from?: string;
}

export interface MergePatch {
  merge: object;
}

export interface JsonPatch {
  json: JsonPatchOperation[];
}

export type Patch = MergePatch | JsonPatch;
