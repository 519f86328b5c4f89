/** Answers for paths that are not resources: version, health, discovery and OpenAPI. */
import { AGGREGATED_CONTENT_TYPE, VERSION_INFO, aggregatedList, groupDocument, legacyApiVersions, legacyGroupList, resourceList, wantsAggregated } from './discovery.js';
import { notFoundPath } from './status-errors.js';
import type { Core } from './core.js';
import type { Reply } from './http-io.js';
import type { OpenApiRoute } from './openapi-route.js';

export function nonResource(core: Core, openApi: OpenApiRoute, path: string, accept: string | undefined, hostPort: string): Reply {
  if (path === '/version') return { code: 200, body: VERSION_INFO };
  if (path === '/healthz' || path === '/livez' || path === '/readyz') return { code: 200, body: undefined, text: 'ok' };
  if (path === '/api' || path === '/apis') {
    if (wantsAggregated(accept)) return { code: 200, body: aggregatedList(core.registry, path === '/api'), headers: { 'Content-Type': AGGREGATED_CONTENT_TYPE } };
    return { code: 200, body: path === '/api' ? legacyApiVersions(hostPort) : legacyGroupList(core.registry) };
  }
  if (path.startsWith('/openapi/v3')) {
    const doc = openApi.document(path);
    if (doc) return { code: 200, body: doc };
    throw notFoundPath();
  }
  const [, kind, group = '', version] = path.split('/');
  const body = kind === 'api' ? resourceList(core.registry, '', group) : version ? resourceList(core.registry, group, version) : groupDocument(core.registry, group);
  if (!body) throw notFoundPath();
  return { code: 200, body };
}
