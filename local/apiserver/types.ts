/** The public types of the local API server. */
import type { FailRule, LatencyRule } from './faults.js';
import type { KubeconfigOptions } from './kubeconfig.js';
import type { RequestCount, RequestFilter } from './request-counter.js';

/** resource = plural or plural/subresource; `*` matches any. */
export interface TokenGrant { verbs: string[] | ['*']; resources: string[] | ['*'] }

export interface ApiServerOptions {
  /** Cluster name used in the kubeconfig, e.g. 'public'. */
  name?: string;
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** CustomResourceDefinition objects (apiextensions.k8s.io/v1) installed at start. */
  crds?: unknown[];
  /** Multi-document YAML files of CRDs installed at start. */
  crdFiles?: string[];
  /** Created at start besides default, kube-node-lease, kube-public and kube-system. */
  namespaces?: string[];
  /** When set, requests need `Authorization: Bearer <token>` with a grant for what they do. */
  tokens?: Record<string, TokenGrant[]>;
  /** How many past events are kept for watch resume; older resourceVersions answer 410 Gone. */
  watchWindow?: number;
  /** How often watches that allow bookmarks get a BOOKMARK (default 60 s). */
  bookmarkIntervalMs?: number;
  now?: () => Date;
}

export interface ApiServerFaults {
  failNext(rule: FailRule): void;
  addLatency(rule: LatencyRule): void;
  /** Drops open watch connections abruptly, like a network failure (all, or those of one plural). */
  cutWatches(resource?: string): void;
  /** Ends open watch streams cleanly, like a server-side watch timeout (all, or those of one plural). */
  endWatches(resource?: string): void;
  /** Forgets past changes, as etcd compaction does: resuming a watch or paged list from an earlier resourceVersion gets 410 Gone. */
  expireHistory(): Promise<void>;
  clear(): void;
}

export interface ApiServerRequests {
  /**
   * Verbs: get list watch create update patch delete deletecollection; resource: plural or plural/subresource;
   * user: the caller's token (servers with `tokens`); refused: only 401/403 answers (true) or only the others (false).
   */
  count(filter?: RequestFilter): number;
  /** One row per verb, resource and, with `tokens`, caller; `refused` says how many of them were refused. */
  snapshot(): RequestCount[];
  reset(): void;
}

export interface ApiServer {
  readonly url: string;
  readonly name: string;
  kubeconfig(opts?: KubeconfigOptions): string;
  writeKubeconfig(path: string, opts?: KubeconfigOptions): Promise<void>;
  readonly faults: ApiServerFaults;
  readonly requests: ApiServerRequests;
  /** Closes listeners and open watches. */
  stop(): Promise<void>;
}
