/**
 * What the server knows about one served resource (one group/version/plural): enough for routing,
 * discovery, tables, and the write strategy. Built-ins are declared here; CRDs go through crd-defs.ts.
 */
export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  format?: string;
  description?: string;
  priority?: number;
}

export type Strategy = 'namespace' | 'crd' | 'custom';

export interface ResourceDef {
  group: string;
  version: string;
  plural: string;
  singular: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  statusSubresource: boolean;
  strategy: Strategy;
  /** The openAPIV3Schema of this version, when the resource is defined by a CRD. */
  schema?: Record<string, unknown>;
  printerColumns: PrinterColumn[];
  /** Field selector paths accepted besides metadata.name / metadata.namespace. */
  selectableFields: string[];
  /** The version objects are kept in; reads in another version only relabel apiVersion. */
  storageVersion: string;
  /** Versions a body may be written in (a CRD's served versions); built-ins take only their own. */
  servedVersions?: string[];
  /** Revision at which the schema was (re)installed: objects stored before it get its defaults on read. */
  schemaRevision?: number;
  /** The verbs a built-in serves, as its discovery lists them; custom resources serve RESOURCE_VERBS. */
  verbs?: string[];
}

/** A custom resource's verbs, in the order kube-apiserver's discovery lists them for CRs. */
export const RESOURCE_VERBS = ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'];
export const STATUS_VERBS = ['get', 'patch', 'update'];

export function verbsOf(def: ResourceDef): string[] {
  return def.verbs ?? RESOURCE_VERBS;
}

/** Subresources with their verbs: status where the kind has one, and a namespace's finalize. */
export function subresourcesOf(def: ResourceDef): Array<{ name: string; verbs: string[] }> {
  return [
    ...(def.strategy === 'namespace' ? [{ name: 'finalize', verbs: ['update'] }] : []),
    ...(def.statusSubresource ? [{ name: 'status', verbs: STATUS_VERBS }] : []),
  ];
}

/** Storage key shared by all versions of a resource. */
export function storageKey(def: Pick<ResourceDef, 'group' | 'plural'>): string {
  return `${def.group}/${def.plural}`;
}

export function apiVersionOf(def: Pick<ResourceDef, 'group' | 'version'>): string {
  return def.group ? `${def.group}/${def.version}` : def.version;
}

export const NAMESPACES: ResourceDef = {
  group: '', version: 'v1', plural: 'namespaces', singular: 'namespace', kind: 'Namespace', listKind: 'NamespaceList',
  namespaced: false, shortNames: ['ns'], categories: [], statusSubresource: true, strategy: 'namespace',
  printerColumns: [
    { name: 'Status', type: 'string', jsonPath: '.status.phase', description: 'The status of the namespace' },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' },
  ],
  selectableFields: ['status.phase'], storageVersion: 'v1',
  // No deletecollection: a real server answers 405 to DELETE /api/v1/namespaces.
  verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
};

export const CUSTOM_RESOURCE_DEFINITIONS: ResourceDef = {
  group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions', singular: 'customresourcedefinition',
  kind: 'CustomResourceDefinition', listKind: 'CustomResourceDefinitionList', namespaced: false,
  shortNames: ['crd', 'crds'], categories: ['api-extensions'], statusSubresource: true, strategy: 'crd',
  printerColumns: [{ name: 'Created At', type: 'date', jsonPath: '.metadata.creationTimestamp' }],
  selectableFields: [], storageVersion: 'v1',
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
};
