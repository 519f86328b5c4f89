/**
 * The set of resources currently served. CRDs add and remove entries at run time; `revision` changes
 * with every change so derived documents (discovery, OpenAPI) know when to rebuild.
 */
import { CUSTOM_RESOURCE_DEFINITIONS, NAMESPACES, storageKey } from './resource-def.js';
import type { ResourceDef } from './resource-def.js';

export interface GroupVersions { group: string; versions: string[] }

export class Registry {
  private readonly defs = new Map<string, ResourceDef>();
  private readonly byCrd = new Map<string, ResourceDef[]>();
  private changes = 0;

  constructor() {
    this.add(NAMESPACES);
    this.add(CUSTOM_RESOURCE_DEFINITIONS);
  }

  get revision(): number {
    return this.changes;
  }

  lookup(group: string, version: string, plural: string): ResourceDef | undefined {
    return this.defs.get(`${group}/${version}/${plural}`);
  }

  /** Replaces whatever a CRD of this name served before. */
  setCrd(crdName: string, defs: ResourceDef[]): void {
    this.removeCrd(crdName);
    defs.forEach((d) => this.add(d));
    this.byCrd.set(crdName, defs);
  }

  removeCrd(crdName: string): ResourceDef[] {
    const old = this.byCrd.get(crdName) ?? [];
    old.forEach((d) => this.defs.delete(`${d.group}/${d.version}/${d.plural}`));
    this.byCrd.delete(crdName);
    this.changes++;
    return old;
  }

  all(): ResourceDef[] {
    return [...this.defs.values()];
  }

  /** Storage keys of every resource with this plural (usually one). */
  storageKeysOf(plural: string): string[] {
    return [...new Set(this.all().filter((d) => d.plural === plural).map(storageKey))];
  }

  /** Groups with their versions, preferred (storage) version first; core group excluded. */
  groups(): GroupVersions[] {
    const byGroup = new Map<string, Set<string>>();
    const preferred = new Map<string, string>();
    for (const def of this.defs.values()) {
      if (!def.group) continue;
      if (!byGroup.has(def.group)) byGroup.set(def.group, new Set());
      byGroup.get(def.group)?.add(def.version);
      if (def.version === def.storageVersion) preferred.set(def.group, def.version);
    }
    return [...byGroup.entries()].map(([group, versions]) => {
      const first = preferred.get(group);
      const rest = [...versions].filter((v) => v !== first).sort().reverse();
      return { group, versions: first ? [first, ...rest] : rest };
    });
  }

  resourcesOf(group: string, version: string): ResourceDef[] {
    return [...this.defs.values()].filter((d) => d.group === group && d.version === version);
  }

  private add(def: ResourceDef): void {
    this.defs.set(`${def.group}/${def.version}/${def.plural}`, def);
    this.changes++;
  }
}
