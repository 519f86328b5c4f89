export { prune, type PruneResult } from './prune.js';
export { applyDefaults } from './defaults.js';
export { validate } from './validate.js';
export { buildOpenApi, type OpenApiDocuments } from './openapi.js';
export { type CrdLike, type CrdPrinterColumn, type CrdVersionLike, type FieldError, type FieldErrorReason, type JSONSchemaProps } from './types.js';
