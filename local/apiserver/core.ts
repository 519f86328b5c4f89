/** The state one server instance shares across requests, and what a resource handler is given. */
import type { IncomingHttpHeaders } from 'node:http';
import { apiVersionOf } from './resource-def.js';
import { applyDefaults } from './schema/index.js';
import type { JSONSchemaProps } from './schema/index.js';
import type { KubeObject } from './kube-object.js';
import type { Registry } from './registry.js';
import type { ResourceRequest } from './request-info.js';
import type { ResourceDef } from './resource-def.js';
import type { Store } from './store.js';
import type { WatchHub } from './watch-hub.js';

export interface Core {
  store: Store;
  registry: Registry;
  hub: WatchHub;
  now: () => Date;
  /** Runs the controllers a real cluster has for built-in kinds (CRD serving, namespace finalization). */
  afterCommit(def: ResourceDef, type: 'ADDED' | 'MODIFIED' | 'DELETED', object: KubeObject): void;
  bookmarkIntervalMs: number;
}

export interface Call {
  core: Core;
  def: ResourceDef;
  info: ResourceRequest;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * Objects are stored in the storage version; a read in another served version only relabels them.
 * Objects stored before their CRD's schema last changed get the schema's defaults, as on a real server.
 */
export function present(def: ResourceDef, object: KubeObject): KubeObject {
  const apiVersion = apiVersionOf(def);
  const stale = def.schema !== undefined && Number(object.metadata.resourceVersion) < (def.schemaRevision ?? 0);
  const current = stale ? (applyDefaults(def.schema as JSONSchemaProps, object) as KubeObject) : object;
  return current.apiVersion === apiVersion ? current : { ...current, apiVersion };
}

export function namespaceOf(call: Call): string {
  return call.def.namespaced ? (call.info.namespace ?? '') : '';
}
