export * from './outcome.js';
export * from './error-status.js';
export * from './body-limit.js';
export * from './deadline.js';
export * from './function-context.js';
export * from './event-function.js';
