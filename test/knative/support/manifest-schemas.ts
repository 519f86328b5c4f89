/**
 * Checks one rendered manifest against its upstream schema: the kubernetes-models and
 * @kubernetes-models/knative classes (generated from the Kubernetes and Knative OpenAPI), or, for
 * our own kinds, the CRD's openAPIV3Schema as the API server applies it (prune, default, validate).
 */
import { applyDefaults, prune, validate } from '../../../local/apiserver/schema/index.js';
import type { JSONSchemaProps } from '../../../local/apiserver/schema/index.js';
import type { KubeObject } from './render.js';

interface CrdVersion { name: string; schema?: { openAPIV3Schema?: JSONSchemaProps } }
interface Crd { spec: { group: string; names: { kind: string }; versions: CrdVersion[] } }
interface Model { validate(): void }
type ModelClass = new (data: unknown) => Model;

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  return { group: group ?? '', version: version ?? '' };
}

function crdSchema(obj: KubeObject, crds: KubeObject[]): JSONSchemaProps | undefined {
  const { group, version } = splitApiVersion(obj.apiVersion);
  const crd = (crds as unknown as Crd[]).find((c) => c.spec.group === group && c.spec.names.kind === obj.kind);
  return crd?.spec.versions.find((v) => v.name === version)?.schema?.openAPIV3Schema;
}

function crdProblems(schema: JSONSchemaProps, obj: KubeObject): string[] {
  const pruned = prune(schema, obj);
  const unknown = pruned.unknownFields.map((field) => `${field}: unknown field`);
  const errors = validate(schema, applyDefaults(schema, pruned.value)).map((e) => `${e.field}: ${e.message}`);
  return [...unknown, ...errors];
}

/** The module of the generated model class, e.g. `kubernetes-models/rbac.authorization.k8s.io/v1/Role`. */
export function modelModule(apiVersion: string, kind: string): string {
  const { group, version } = splitApiVersion(apiVersion);
  if (group === '') return `kubernetes-models/${version}/${kind}`;
  const pkg = group.endsWith('knative.dev') ? '@kubernetes-models/knative' : 'kubernetes-models';
  return `${pkg}/${group}/${version}/${kind}`;
}

async function importModel(apiVersion: string, kind: string): Promise<ModelClass | undefined> {
  try {
    const module = (await import(modelModule(apiVersion, kind))) as Record<string, unknown>;
    return module[kind] as ModelClass | undefined;
  } catch {
    return undefined;
  }
}

/**
 * Kinds whose generated model requires `status` only because the Go field lacks omitempty; neither the
 * API server nor Knative's webhook asks a manifest for one, so these are checked with an empty status.
 */
const STATUS_REQUIRED_BY_GENERATOR = new Set(['sources.knative.dev/v1 SinkBinding']);

// Jest's ES module loader fails when imports sharing a module graph run concurrently: load one at a time.
let loading: Promise<unknown> = Promise.resolve();
const models = new Map<string, Promise<ModelClass | undefined>>();

function modelClass(apiVersion: string, kind: string): Promise<ModelClass | undefined> {
  const key = `${apiVersion} ${kind}`;
  let model = models.get(key);
  if (!model) {
    model = loading.then(() => importModel(apiVersion, kind));
    loading = model;
    models.set(key, model);
  }
  return model;
}

/** What is wrong with `obj` by its schema; empty when it is valid. `crds` supply our own kinds. */
export async function schemaProblems(obj: KubeObject, crds: KubeObject[]): Promise<string[]> {
  const schema = crdSchema(obj, crds);
  if (schema) return crdProblems(schema, obj);
  const Model = await modelClass(obj.apiVersion, obj.kind);
  if (!Model) return [`no upstream schema for ${obj.apiVersion} ${obj.kind}`];
  try {
    new Model(STATUS_REQUIRED_BY_GENERATOR.has(`${obj.apiVersion} ${obj.kind}`) ? { status: {}, ...obj } : obj).validate();
    return [];
  } catch (error) {
    return [error instanceof Error ? error.message : String(error)];
  }
}
