/**
 * The watch machinery: list-then-watch of one resource over node:http(s), with its kubeconfig reader,
 * backoff, silence deadlines and per-key queue, for the remote watcher (sources/remote-source) and the
 * local pipeline runner. It loads neither zod nor client-node (only for a kubeconfig that needs an exec
 * plugin or the like), which keeps the watcher's process small (test/sources/remote-source-memory.test.ts).
 */
export { realDelay } from './backoff.js';
export type { BackoffOptions, Delay } from './backoff.js';
export type { Deadline, StartDeadline } from './deadline.js';
export { KeyedQueue } from './keyed-queue.js';
export type { KubeAccess, KubeRequestOptions } from './kube-access.js';
export { isKubeConfig, kubeConfigAccess } from './kube-access.js';
export { KubeReader } from './kube-reader.js';
export type { Query } from './kube-reader.js';
export { loadKubeAccess } from './kubeconfig-file.js';
export { CredentialsRefusedError, watchResources } from './list-watch.js';
export type { Backpressure, ChangeKind, ResourceWatch, ResourceWatchHandlers, ResourceWatchOptions, WatchStats } from './list-watch.js';
export { collectionPath } from './resource-ref.js';
export type { KubeObject, ResourceRef } from './resource-ref.js';
