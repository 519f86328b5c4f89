/**
 * Splits a request into what it addresses: a non-resource path (discovery, OpenAPI, version) or a
 * resource (group, version, plural, namespace, name, subresource) plus the Kubernetes verb.
 */
export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export interface ResourceRequest {
  kind: 'resource';
  group: string;
  version: string;
  plural: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  verb: Verb;
}

export interface NonResourceRequest { kind: 'nonresource'; path: string; verb: 'get' }
export interface UnknownRequest { kind: 'unknown'; path: string; methodNotAllowed?: boolean }

export type RequestInfo = ResourceRequest | NonResourceRequest | UnknownRequest;

const NON_RESOURCE = /^\/(version|healthz|livez|readyz|openapi\/.*|api|apis|apis\/[^/]+|api\/v1|apis\/[^/]+\/[^/]+)\/?$/;

/**
 * The verb as kube-apiserver's RequestInfo names it, by method alone: RBAC judges a POST to an item path
 * as `create` and a PUT or PATCH of a collection as `update` or `patch`; the handler refuses them after.
 */
function verbOf(method: string, hasName: boolean, query: URLSearchParams): Verb | undefined {
  const watch = query.get('watch');
  switch (method) {
    case 'GET': return hasName ? 'get' : watch === 'true' || watch === '1' ? 'watch' : 'list';
    case 'POST': return 'create';
    case 'PUT': return 'update';
    case 'PATCH': return 'patch';
    case 'DELETE': return hasName ? 'delete' : 'deletecollection';
    default: return undefined;
  }
}

/** Parts after `/api/v1` or `/apis/<g>/<v>`: [namespaces/<ns>/]<plural>[/<name>[/<subresource>]]. */
function resourceParts(parts: string[], group: string): Omit<ResourceRequest, 'kind' | 'group' | 'version' | 'verb'> | undefined {
  const [first, second, third, fourth, fifth] = parts;
  if (first === 'namespaces' && third !== undefined && !(group === '' && (third === 'status' || third === 'finalize'))) {
    if (parts.length > 5) return undefined;
    return { namespace: second, plural: third, name: fourth, subresource: fifth };
  }
  if (first === undefined || parts.length > 3) return undefined;
  return { plural: first, name: second, subresource: third };
}

export function requestInfo(method: string, pathname: string, query: URLSearchParams): RequestInfo {
  if (method === 'GET' && NON_RESOURCE.test(pathname)) return { kind: 'nonresource', path: pathname.replace(/\/$/, ''), verb: 'get' };
  const segments = pathname.split('/').filter((s) => s !== '').map(decodeURIComponent);
  let group: string;
  let version: string | undefined;
  let rest: string[];
  if (segments[0] === 'api') [group, version, rest] = ['', segments[1], segments.slice(2)];
  else if (segments[0] === 'apis') [group, version, rest] = [segments[1] ?? '', segments[2], segments.slice(3)];
  else return { kind: 'unknown', path: pathname };
  const parts = version ? resourceParts(rest, group) : undefined;
  const verb = parts ? verbOf(method, parts.name !== undefined, query) : undefined;
  if (!parts || !version) return { kind: 'unknown', path: pathname };
  if (!verb) return { kind: 'unknown', path: pathname, methodNotAllowed: true };
  return { kind: 'resource', group, version, verb, ...parts };
}
