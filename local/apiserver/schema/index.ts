export { prune, type PruneResult } from './prune.js';
export { applyDefaults } from './defaults.js';
export { validate } from './validate.js';
export { buildOpenApi, contentHash, type OpenApiDocuments } from './openapi.js';
export { isObject, type CrdLike, type CrdPrinterColumn, type CrdVersionLike, type FieldError, type FieldErrorReason, type JSONSchemaProps } from './types.js';
