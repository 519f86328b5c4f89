/**
 * Optional bearer-token authentication and authorization, answering as kube-apiserver does with static
 * tokens and RBAC (and as the test bed's real servers are set up): each token is a user named by the
 * token string itself, with grants (verbs × resources, `*` for any; `*`/`*` is an admin). A request
 * without a bearer token is `system:anonymous` (anonymous auth is on by default), refused with 403 by
 * RBAC except on the health and version paths; an unknown token is 401 on every path. Discovery and
 * OpenAPI are open to every authenticated user (the system:discovery role), other paths to admins.
 */
import { ApiError } from './status-errors.js';
import type { TokenGrant } from './types.js';

export interface AccessRequest { verb: string; resource: string; group: string; namespace?: string | undefined; name?: string | undefined }

interface Identity { user: string; grants: TokenGrant[] }

export const ANONYMOUS: Identity = { user: 'system:anonymous', grants: [] };

/** system:public-info-viewer, bound to authenticated and unauthenticated users alike. */
const PUBLIC_PATHS = new Set(['/healthz', '/livez', '/readyz', '/version', '/version/']);
/** system:discovery's /api, /api/*, /apis, /apis/*, /openapi, /openapi/*, bound to authenticated users. */
const DISCOVERY_PATHS = /^\/(api|apis|openapi)(\/.*)?$/;

const allows = (list: string[], value: string): boolean => list.includes('*') || list.includes(value);
const isAdmin = (grants: TokenGrant[]): boolean => grants.some((g) => allows(g.verbs as string[], '*') && allows(g.resources as string[], '*'));

export class TokenAuth {
  private readonly users: Map<string, Identity>;

  constructor(tokens: Record<string, TokenGrant[]>) {
    this.users = new Map(Object.entries(tokens).map(([token, grants]) => [token, { user: token, grants }]));
  }

  /** The bearer token of the header when it is one of ours: the caller's identity in request counts. */
  knownToken(authorization: string | undefined): string | undefined {
    const token = bearerToken(authorization);
    return token !== undefined && this.users.has(token) ? token : undefined;
  }

  /** The caller: anonymous without a bearer token, the token's user for a known one; 401 otherwise. */
  identify(authorization: string | undefined): Identity {
    const token = bearerToken(authorization);
    if (token === undefined) return ANONYMOUS;
    const entry = this.users.get(token);
    if (!entry) throw new ApiError(401, 'Unauthorized', 'Unauthorized');
    return entry;
  }

  authorize(authorization: string | undefined, access: AccessRequest): void {
    const { user, grants } = this.identify(authorization);
    if (grants.some((g) => allows(g.verbs as string[], access.verb) && allows(g.resources as string[], access.resource))) return;
    throw forbiddenFor(user, access);
  }

  /** A non-resource path (discovery, OpenAPI, health, anything else); `verb` is the lower-cased HTTP method. */
  authorizePath(authorization: string | undefined, verb: string, path: string): void {
    const { user, grants } = this.identify(authorization);
    const readable = verb === 'get' || verb === 'head';
    if (isAdmin(grants) || (readable && PUBLIC_PATHS.has(path)) || (readable && user !== ANONYMOUS.user && DISCOVERY_PATHS.test(path))) return;
    throw new ApiError(403, 'Forbidden', `forbidden: User "${user}" cannot ${verb} path "${path}"`, {});
  }
}

/** Go's bearer-token authenticator: a header that is not `Bearer <token>` carries no credentials at all. */
function bearerToken(authorization: string | undefined): string | undefined {
  return /^Bearer\s+(.+)$/i.exec(authorization?.trim() ?? '')?.[1]?.trim();
}

/** RBAC's wording: the resource is named as `plural/subresource` inside one pair of quotes. */
function forbiddenFor(user: string, a: AccessRequest): ApiError {
  const plural = a.resource.split('/')[0] ?? '';
  const target = a.name ? `${a.group ? `${plural}.${a.group}` : plural} "${a.name}"` : a.group ? `${plural}.${a.group}` : plural;
  const scope = a.namespace ? ` in the namespace "${a.namespace}"` : ' at the cluster scope';
  return new ApiError(403, 'Forbidden',
    `${target} is forbidden: User "${user}" cannot ${a.verb} resource "${a.resource}" in API group "${a.group}"${scope}`,
    { ...(a.name ? { name: a.name } : {}), group: a.group, kind: plural });
}
