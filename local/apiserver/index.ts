export { startApiServer } from './server.js';
export type { ApiServer, ApiServerFaults, ApiServerOptions, ApiServerRequests, TokenGrant } from './types.js';
export type { FailRule, LatencyRule } from './faults.js';
export type { KubeconfigOptions } from './kubeconfig.js';
export type { RequestCount, RequestFilter } from './request-counter.js';
