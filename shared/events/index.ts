export * from './types.js';
export * from './schemas.js';
export * from './malformed-event-error.js';
export * from './parse.js';
export * from './accept.js';
export * from './reply.js';
export * from './resource-event.js';
export * from './retryable-status.js';
