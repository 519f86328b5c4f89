export * from './config-loader.js';
export * from './service-settings.js';
