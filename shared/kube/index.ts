export * from './port.js';
export * from './errors.js';
export { createClusterPort } from './client-port.js';
export type { ClusterAccess } from './client-port.js';
export * from './ports.js';
export * from './parse-object.js';
export * from './internal-requests.js';
export * from './pipeline-runs.js';
export * from './relayed-status.js';
