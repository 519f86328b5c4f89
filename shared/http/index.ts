export * from './outcome.js';
export * from './error-status.js';
export * from './function-context.js';
export * from './event-function.js';
