import { LIST_META, OBJECT_META, ref } from './openapi-meta.js';
import type { ServedResource } from './openapi-paths.js';
import type { JSONSchemaProps } from './types.js';

const NAMESPACE = 'io.k8s.api.core.v1.Namespace';
const CRD = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition';

export const NAMESPACES: ServedResource = {
  prefix: '/api/v1', group: '', version: 'v1', kind: 'Namespace', plural: 'namespaces',
  namespaced: false, hasStatus: true, schemaName: NAMESPACE, listSchemaName: `${NAMESPACE}List`,
};

export const CUSTOM_RESOURCE_DEFINITIONS: ServedResource = {
  prefix: '/apis/apiextensions.k8s.io/v1', group: 'apiextensions.k8s.io', version: 'v1', kind: 'CustomResourceDefinition',
  plural: 'customresourcedefinitions', namespaced: false, hasStatus: true, schemaName: CRD, listSchemaName: `${CRD}List`,
};

const API_VERSION: JSONSchemaProps = { type: 'string', description: 'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values.' };
const KIND: JSONSchemaProps = { type: 'string', description: 'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase.' };

/** The schema of an object of `r`: its own properties plus apiVersion, kind and metadata. */
export function objectSchema(r: ServedResource, own: JSONSchemaProps): JSONSchemaProps {
  return {
    ...own,
    type: 'object',
    properties: { ...own.properties, apiVersion: API_VERSION, kind: KIND, metadata: { ...ref(OBJECT_META), description: "Standard object's metadata." } },
    'x-kubernetes-group-version-kind': [{ group: r.group, kind: r.kind, version: r.version }],
  };
}

export function listSchema(r: ServedResource): JSONSchemaProps {
  return {
    type: 'object',
    description: `${r.kind}List is a list of ${r.kind}`,
    required: ['items'],
    properties: {
      apiVersion: API_VERSION,
      items: { type: 'array', description: `List of ${r.plural}.`, items: ref(r.schemaName) },
      kind: KIND,
      metadata: { ...ref(LIST_META), description: 'Standard list metadata.' },
    },
    'x-kubernetes-group-version-kind': [{ group: r.group, kind: `${r.kind}List`, version: r.version }],
  };
}

const NAMESPACE_OWN: JSONSchemaProps = {
  description: 'Namespace provides a scope for Names. Use of multiple namespaces is optional.',
  properties: {
    spec: {
      type: 'object',
      description: 'NamespaceSpec describes the attributes on a Namespace.',
      properties: { finalizers: { type: 'array', items: { type: 'string', default: '' }, description: 'Finalizers is an opaque list of values that must be empty to permanently remove object from storage.' } },
    },
    status: {
      type: 'object',
      description: 'NamespaceStatus is information about the current status of a Namespace.',
      properties: {
        phase: { type: 'string', enum: ['Active', 'Terminating'], description: 'Phase is the current lifecycle phase of the namespace.' },
        conditions: { type: 'array', items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }, description: 'Represents the latest available observations of a namespace\'s current state.' },
      },
    },
  },
};

const CRD_OWN: JSONSchemaProps = {
  description: 'CustomResourceDefinition represents a resource that should be exposed on the API server.',
  required: ['spec'],
  properties: {
    spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, description: 'spec describes how the user wants the resources to appear' },
    status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, description: 'status indicates the actual state of the CustomResourceDefinition' },
  },
};

/** Built-in resources with their own schemas: namespaces (api/v1) and CRDs (apiextensions.k8s.io/v1). */
export const BUILT_IN: Array<{ resource: ServedResource; schema: JSONSchemaProps }> = [
  { resource: NAMESPACES, schema: NAMESPACE_OWN },
  { resource: CUSTOM_RESOURCE_DEFINITIONS, schema: CRD_OWN },
];
