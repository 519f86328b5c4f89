import { createHash } from 'node:crypto';
import { BUILT_IN, listSchema, objectSchema } from './openapi-core.js';
import { metaSchemas } from './openapi-meta.js';
import { resourcePaths, type ServedResource } from './openapi-paths.js';
import type { CrdLike, CrdVersionLike, JSONSchemaProps } from './types.js';

export interface OpenApiDocuments {
  /** The `/openapi/v3` discovery document: one serverRelativeURL per group-version, with a content hash. */
  root: object;
  /** Group-version documents keyed like the root's paths: 'api/v1', 'apis/<group>/<version>'. */
  documents: Map<string, object>;
}

const PRESERVE_ALL: JSONSchemaProps = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };

interface Entry { resource: ServedResource; schema: JSONSchemaProps }

/** Builds the OpenAPI v3 documents kube-apiserver serves for namespaces, CRDs and every served CRD version. */
export function buildOpenApi(input: { crds: CrdLike[] }): OpenApiDocuments {
  const byKey = new Map<string, Entry[]>();
  const add = (entry: Entry): void => {
    const key = entry.resource.prefix.slice(1);
    byKey.set(key, [...(byKey.get(key) ?? []), entry]);
  };
  BUILT_IN.forEach(add);
  for (const crd of input.crds) crdEntries(crd).forEach(add);
  const documents = new Map<string, object>();
  const rootPaths: Record<string, { serverRelativeURL: string }> = {};
  for (const key of [...byKey.keys()].sort()) {
    const document = groupVersionDocument(byKey.get(key) ?? []);
    documents.set(key, document);
    rootPaths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${contentHash(document)}` };
  }
  return { root: { paths: rootPaths }, documents };
}

/** Uppercase hex SHA-512 of the JSON text, as kube-openapi's handler names document versions. */
function contentHash(document: object): string {
  return createHash('sha512').update(JSON.stringify(document)).digest('hex').toUpperCase();
}

function crdEntries(crd: CrdLike): Entry[] {
  const { group, names, scope } = crd.spec;
  return crd.spec.versions.filter((v) => v.served !== false).map((version: CrdVersionLike) => {
    const schemaName = `${group.split('.').reverse().join('.')}.${version.name}.${names.kind}`;
    const resource: ServedResource = {
      prefix: `/apis/${group}/${version.name}`, group, version: version.name, kind: names.kind, plural: names.plural,
      namespaced: scope === 'Namespaced', hasStatus: version.subresources?.status !== undefined,
      schemaName, listSchemaName: `${schemaName.slice(0, -names.kind.length)}${names.listKind ?? `${names.kind}List`}`,
    };
    return { resource, schema: version.schema?.openAPIV3Schema ?? PRESERVE_ALL };
  });
}

function groupVersionDocument(entries: Entry[]): object {
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = metaSchemas();
  for (const { resource, schema } of entries) {
    Object.assign(paths, resourcePaths(resource));
    schemas[resource.schemaName] = objectSchema(resource, schema);
    schemas[resource.listSchemaName] = listSchema(resource);
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.4' },
    paths,
    components: { schemas: sortKeys(schemas) },
  };
}

function sortKeys(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}
