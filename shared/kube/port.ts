import type { Patch, ResourceType } from '../api/index.js';

export type { JsonPatch, JsonPatchOperation, MergePatch, Patch, ResourceType } from '../api/index.js';

/**
 * The few calls the functions make against one cluster. Failures surface as the error classes of
 * `./errors.ts`; a missing object is `undefined` on get and success on delete.
 */
export interface ClusterPort {
  get<T>(type: ResourceType, namespace: string, name: string): Promise<T | undefined>;
  list<T>(type: ResourceType, namespace: string | undefined, opts?: { labelSelector?: string }): Promise<T[]>;
  /**
   * The same list, one page of at most `limit` objects at a time (`limit`/`continue`), so a caller that
   * handles each page before asking for the next never holds the whole collection.
   */
  listPages<T>(type: ResourceType, namespace: string | undefined, opts: PageOptions): AsyncIterable<T[]>;
  create<T>(type: ResourceType, namespace: string, body: object): Promise<T>;
  patch<T>(type: ResourceType, namespace: string, name: string, patch: Patch): Promise<T>;
  patchStatus<T>(type: ResourceType, namespace: string, name: string, patch: Patch): Promise<T>;
  delete(type: ResourceType, namespace: string, name: string): Promise<void>;
  /** The same port, with every call cut off once `signal` aborts (a handler past its deadline). */
  withSignal(signal: AbortSignal): ClusterPort;
}

export interface PageOptions {
  labelSelector?: string;
  limit: number;
}

export const MERGE_PATCH_CONTENT_TYPE = 'application/merge-patch+json';
export const JSON_PATCH_CONTENT_TYPE = 'application/json-patch+json';

export function isMergePatch(patch: Patch): patch is Extract<Patch, { merge: object }> {
  return 'merge' in patch;
}
