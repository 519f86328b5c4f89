/**
 * What each identity did, read from the API servers' request counts: the calls they served per
 * caller, the ones they refused, and which granted permissions a caller never used.
 */
import type { ApiServer } from '../../../local/apiserver/index.js';
import type { Identity } from './identities.js';

/** `<cluster> <verb> <resource>` → served requests, for one caller. */
export type Calls = Record<string, number>;

/** Discovery and OpenAPI are open to every authenticated caller (system:discovery), not granted by these Roles. */
const NOT_RBAC_RESOURCES = new Set(['discovery', 'openapi']);

/** The served calls of the callers with these tokens, added up. */
export function callsOf(servers: ApiServer[], ...tokens: string[]): Calls {
  const calls: Calls = {};
  for (const server of servers) {
    for (const row of server.requests.snapshot()) {
      const served = row.count - (row.refused ?? 0);
      const key = `${server.name} ${row.verb} ${row.resource}`;
      if (row.user !== undefined && tokens.includes(row.user) && served > 0) calls[key] = (calls[key] ?? 0) + served;
    }
  }
  return calls;
}

export function addCalls(into: Calls, more: Calls): Calls {
  for (const [key, count] of Object.entries(more)) into[key] = (into[key] ?? 0) + count;
  return into;
}

/** The calls made between two readings. */
export function callsSince(before: Calls, after: Calls): Calls {
  const delta: Calls = {};
  for (const [key, count] of Object.entries(after)) {
    const made = count - (before[key] ?? 0);
    if (made > 0) delta[key] = made;
  }
  return delta;
}

export function totalOf(calls: Calls): number {
  return Object.values(calls).reduce((sum, n) => sum + n, 0);
}

/** Every refused request: `<cluster> <token or (no token)> <verb> <resource> ×<n>`. */
export function refusals(servers: ApiServer[]): string[] {
  return servers.flatMap((server) =>
    server.requests.snapshot()
      .filter((row) => (row.refused ?? 0) > 0)
      .map((row) => `${server.name} ${row.user ?? '(no token)'} ${row.verb} ${row.resource} ×${row.refused}`),
  );
}

/** Refused requests by caller: `<cluster> <token or (no token)> <verb> <resource>` → how many. */
export function refusedCalls(servers: ApiServer[]): Calls {
  const refused: Calls = {};
  for (const server of servers) {
    for (const row of server.requests.snapshot()) {
      const key = `${server.name} ${row.user ?? '(no token)'} ${row.verb} ${row.resource}`;
      if ((row.refused ?? 0) > 0) refused[key] = (refused[key] ?? 0) + (row.refused ?? 0);
    }
  }
  return refused;
}

/** `<verb> <resource>` pairs the identity's grants name (wildcards stay as `*`). */
export function grantedPermissions(identity: Identity): string[] {
  const pairs = identity.grants.flatMap((g) => (g.verbs as string[]).flatMap((verb) => (g.resources as string[]).map((resource) => `${verb} ${resource}`)));
  return [...new Set(pairs)].sort();
}

/** Granted permissions the identity's served calls never exercised. A wildcard grant counts as used only if the caller did anything. */
export function unusedPermissions(identity: Identity, calls: Calls): string[] {
  const prefix = `${identity.cluster} `;
  const used = new Set(Object.keys(calls).filter((key) => key.startsWith(prefix)).map((key) => key.slice(prefix.length)));
  const matches = (pair: string): boolean => {
    const [verb = '', resource = ''] = pair.split(' ');
    return [...used].some((u) => {
      const [usedVerb = '', usedResource = ''] = u.split(' ');
      return !NOT_RBAC_RESOURCES.has(usedResource) && (verb === '*' || verb === usedVerb) && (resource === '*' || resource === usedResource);
    });
  };
  return grantedPermissions(identity).filter((pair) => !matches(pair));
}
