/**
 * Decoding of create/update bodies by Content-Type: JSON, YAML, and the protobuf Namespace that
 * `kubectl create namespace` sends.
 */
import { parse as parseYaml } from 'yaml';
import { decodeNamespaceCreate } from '../protobuf.js';
import { parseJson } from '../http-io.js';
import { badRequest, unsupportedMediaType } from '../status-errors.js';
import type { Call } from '../core.js';

const WRITE_TYPES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];

export function mediaType(call: Call): string {
  return (call.headers['content-type'] ?? 'application/json').split(';')[0]?.trim().toLowerCase() ?? '';
}

export function decodeObjectBody(call: Call): unknown {
  const type = mediaType(call);
  if (type === 'application/json' || type === '') return parseJson(call.body);
  if (type === 'application/yaml') {
    try {
      return parseYaml(call.body.toString('utf8')) as unknown;
    } catch (e) {
      throw badRequest(`the request body is not valid YAML: ${(e as Error).message}`);
    }
  }
  if (type === 'application/vnd.kubernetes.protobuf' && call.def.kind === 'Namespace' && call.info.verb === 'create') {
    try {
      return decodeNamespaceCreate(call.body);
    } catch (e) {
      throw badRequest(`the request body could not be decoded: ${(e as Error).message}`);
    }
  }
  throw unsupportedMediaType(WRITE_TYPES);
}

/** `Warning` response headers in the form real servers send for unknown fields. */
export function warningHeaders(warnings: string[]): Record<string, string[]> | undefined {
  if (warnings.length === 0) return undefined;
  return { Warning: warnings.map((w) => `299 - ${JSON.stringify(w)}`) };
}

export function isDryRun(call: Call): boolean {
  return call.query.getAll('dryRun').includes('All');
}
