/** Which resource a watcher follows, and the URL paths and CloudEvent subjects derived from it. */
export interface ResourceRef {
  apiVersion: string; // 'v1' for the core group, else '<group>/<version>'
  kind: string;
  plural: string;
}

/** Fields every watched object carries; the rest is passed through untouched. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    generation?: number;
    resourceVersion?: string;
    deletionTimestamp?: string;
    [field: string]: unknown;
  };
  [field: string]: unknown;
}

/** `/api/v1` for the core group, `/apis/<group>/<version>` otherwise. */
export function groupVersionPath(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

/** The list/watch path: one namespace, or all namespaces when none is given. */
export function collectionPath(ref: ResourceRef, namespace?: string): string {
  const scope = namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${groupVersionPath(ref.apiVersion)}${scope}/${ref.plural}`;
}
