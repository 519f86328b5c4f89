/**
 * Turns a CustomResourceDefinition object into the ResourceDefs it serves (one per served version),
 * and fills the defaults a real server fills (singular, listKind).
 */
import type { PrinterColumn, ResourceDef } from './resource-def.js';

export interface CrdNames { plural: string; singular?: string; kind: string; listKind?: string; shortNames?: string[]; categories?: string[] }
export interface CrdVersion {
  name: string;
  served?: boolean;
  storage?: boolean;
  schema?: { openAPIV3Schema?: Record<string, unknown> };
  subresources?: { status?: object };
  additionalPrinterColumns?: PrinterColumn[];
  selectableFields?: Array<{ jsonPath: string }>;
}
export interface CrdObject {
  apiVersion?: string;
  kind?: string;
  metadata: { name?: string; [k: string]: unknown };
  spec: { group: string; names: CrdNames; scope: string; versions: CrdVersion[] };
  status?: Record<string, unknown>;
}

/** Fills the names a real server defaults: singular = lowercased kind, listKind = Kind + "List". */
export function defaultCrdNames(names: CrdNames): Required<CrdNames> {
  return {
    plural: names.plural,
    singular: names.singular || names.kind.toLowerCase(),
    kind: names.kind,
    listKind: names.listKind || `${names.kind}List`,
    shortNames: names.shortNames ?? [],
    categories: names.categories ?? [],
  };
}

export function defsFromCrd(crd: CrdObject): ResourceDef[] {
  const names = defaultCrdNames(crd.spec.names);
  const storage = crd.spec.versions.find((v) => v.storage)?.name ?? crd.spec.versions[0]?.name ?? 'v1';
  const served = crd.spec.versions.filter((v) => v.served !== false);
  return served
    .map((v) => ({
      group: crd.spec.group,
      version: v.name,
      plural: names.plural,
      singular: names.singular,
      kind: names.kind,
      listKind: names.listKind,
      namespaced: crd.spec.scope !== 'Cluster',
      shortNames: names.shortNames,
      categories: names.categories,
      statusSubresource: v.subresources?.status !== undefined,
      strategy: 'custom' as const,
      schema: v.schema?.openAPIV3Schema,
      printerColumns: v.additionalPrinterColumns ?? [],
      selectableFields: (v.selectableFields ?? []).map((f) => f.jsonPath.replace(/^\./, '')),
      storageVersion: storage,
      servedVersions: served.map((s) => s.name),
    }));
}
