/**
 * Optional bearer-token check. Each token has a list of grants (verbs × resources, `*` for any);
 * discovery and OpenAPI are open to every known token, as the system:discovery role makes them.
 */
import { ApiError } from './status-errors.js';
import type { TokenGrant } from './types.js';

export interface AccessRequest { verb: string; resource: string; group: string; namespace?: string; name?: string }

const allows = (list: string[], value: string): boolean => list.includes('*') || list.includes(value);

export class TokenAuth {
  private readonly users: Map<string, { user: string; grants: TokenGrant[] }>;

  constructor(tokens: Record<string, TokenGrant[]>) {
    this.users = new Map(Object.entries(tokens).map(([token, grants], i) => [token, { user: `token-user-${i + 1}`, grants }]));
  }

  /** The bearer token of the header when it is one of ours: the caller's identity in request counts. */
  knownToken(authorization: string | undefined): string | undefined {
    const token = /^Bearer\s+(.+)$/i.exec(authorization ?? '')?.[1]?.trim();
    return token !== undefined && this.users.has(token) ? token : undefined;
  }

  /** The user and grants of a valid token; 401 otherwise. */
  authenticate(authorization: string | undefined): { user: string; grants: TokenGrant[] } {
    const token = this.knownToken(authorization);
    const entry = token === undefined ? undefined : this.users.get(token);
    if (!entry) throw new ApiError(401, 'Unauthorized', 'Unauthorized');
    return entry;
  }

  authorize(authorization: string | undefined, access: AccessRequest): void {
    const { user, grants } = this.authenticate(authorization);
    if (grants.some((g) => allows(g.verbs as string[], access.verb) && allows(g.resources as string[], access.resource))) return;
    throw forbiddenFor(user, access);
  }
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
