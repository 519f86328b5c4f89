export * from './error-text.js';
export * from './logger.js';
export * from './metrics.js';
export * from './service-metrics.js';
export * from './attempt-metrics.js';
