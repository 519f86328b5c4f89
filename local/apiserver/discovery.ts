/**
 * Discovery documents: /version, the legacy APIVersions / APIGroupList / APIResourceList, and the
 * aggregated APIGroupDiscoveryList (apidiscovery.k8s.io/v2) kubectl 1.32 asks for first.
 */
import { subresourcesOf, verbsOf } from './resource-def.js';
import type { Registry } from './registry.js';
import type { ResourceDef } from './resource-def.js';

export const VERSION_INFO = {
  major: '1', minor: '32', gitVersion: 'v1.32.4', gitCommit: '59526cd4867447956156ae3a602fcbac10a2c335', gitTreeState: 'clean',
  buildDate: '2025-04-22T16:02:27Z', goVersion: 'go1.23.6', compiler: 'gc', platform: 'linux/amd64',
};

const AGGREGATED = /g=apidiscovery\.k8s\.io/;
export const AGGREGATED_CONTENT_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

export function wantsAggregated(accept: string | undefined): boolean {
  return accept !== undefined && AGGREGATED.test(accept) && /v=v2(?![a-z0-9])/.test(accept);
}

/** Main resource before its subresources: client-node takes the first entry whose kind matches. */
function legacyEntries(def: ResourceDef): object[] {
  const main = {
    name: def.plural, singularName: def.singular, namespaced: def.namespaced, kind: def.kind, verbs: verbsOf(def),
    ...(def.shortNames.length > 0 ? { shortNames: def.shortNames } : {}),
    ...(def.categories.length > 0 ? { categories: def.categories } : {}),
  };
  const subresources = subresourcesOf(def).map((sub) => ({ name: `${def.plural}/${sub.name}`, singularName: '', namespaced: def.namespaced, kind: def.kind, verbs: sub.verbs }));
  return [main, ...subresources];
}

export function legacyApiVersions(hostPort: string): object {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: hostPort }] };
}

export function legacyGroupList(registry: Registry): object {
  const groups = registry.groups().map(({ group, versions }) => {
    const gvs = versions.map((version) => ({ groupVersion: `${group}/${version}`, version }));
    return { name: group, versions: gvs, preferredVersion: gvs[0] };
  });
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

export function resourceList(registry: Registry, group: string, version: string): object | undefined {
  const defs = registry.resourcesOf(group, version);
  if (defs.length === 0) return undefined;
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources: defs.flatMap(legacyEntries) };
}

function aggregatedResource(def: ResourceDef): object {
  const responseKind = { group: def.group, version: def.version, kind: def.kind };
  const entry = {
    resource: def.plural, responseKind, scope: def.namespaced ? 'Namespaced' : 'Cluster', singularResource: def.singular,
    verbs: verbsOf(def),
    ...(def.shortNames.length > 0 ? { shortNames: def.shortNames } : {}),
    ...(def.categories.length > 0 ? { categories: def.categories } : {}),
  };
  const subresources = subresourcesOf(def).map((sub) => ({ subresource: sub.name, responseKind, verbs: sub.verbs }));
  return subresources.length > 0 ? { ...entry, subresources } : entry;
}

function aggregatedGroup(registry: Registry, group: string, versions: string[]): object {
  return {
    metadata: { name: group },
    versions: versions.map((version) => ({ version, freshness: 'Current', resources: registry.resourcesOf(group, version).map(aggregatedResource) })),
  };
}

/** `/api` (core only, one item named "") or `/apis` (every other group). */
export function aggregatedList(registry: Registry, core: boolean): object {
  const items = core ? [aggregatedGroup(registry, '', ['v1'])] : registry.groups().map((g) => aggregatedGroup(registry, g.group, g.versions));
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items };
}

export function groupDocument(registry: Registry, group: string): object | undefined {
  const entry = registry.groups().find((g) => g.group === group);
  if (!entry) return undefined;
  const gvs = entry.versions.map((version) => ({ groupVersion: `${group}/${version}`, version }));
  return { kind: 'APIGroup', apiVersion: 'v1', name: group, versions: gvs, preferredVersion: gvs[0] };
}
