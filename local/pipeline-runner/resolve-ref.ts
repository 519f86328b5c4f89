/**
 * Follows a `pipelineRef` or `taskRef` the way Tekton's resolvers do: a plain name in the run's
 * namespace, the cluster resolver (params kind, name, namespace) or the git resolver (params url,
 * revision, pathInRepo). Bundles and hub would need registries the local runner does not use.
 */
import { parse as parseYaml } from 'yaml';
import { GitResolutionError } from './git-cache.js';
import type { GitFileRef } from './git-cache.js';
import type { Param, Ref } from './tekton-types.js';

export type TektonKind = 'Pipeline' | 'Task';

/** Where referenced Pipelines and Tasks come from. */
export interface TektonSources {
  /** Reads a Pipeline or Task from the cluster; undefined when it does not exist. */
  get(kind: TektonKind, namespace: string, name: string): Promise<unknown>;
  /** A file through the git resolver; throws GitResolutionError when it cannot be read. */
  gitFile(ref: GitFileRef, signal?: AbortSignal): Promise<string>;
}

/** Why a reference could not be followed; the caller puts it in the condition Tekton would write. */
export class UnresolvableRefError extends Error {
  override name = 'UnresolvableRefError';
}

export interface Referenced {
  name: string;
  namespace: string;
  spec: unknown;
  /** Where it came from, for messages: `Pipeline ns/name`, or the git file. */
  origin: string;
}

/** Tekton's git resolver's default-revision, when the reference gives none. */
export const DEFAULT_GIT_REVISION = 'main';

const PLURAL: Record<TektonKind, string> = { Pipeline: 'pipelines', Task: 'tasks' };
const TEKTON_API_VERSIONS = ['tekton.dev/v1', 'tekton.dev/v1beta1'];

/** The referenced Pipeline or Task; throws UnresolvableRefError saying why it cannot be had. */
export async function fetchReferenced(kind: TektonKind, ref: Ref, runNamespace: string, sources: TektonSources, signal?: AbortSignal): Promise<Referenced> {
  const refName = kind === 'Pipeline' ? 'pipelineRef' : 'taskRef';
  if (!ref.resolver) {
    if (!ref.name) throw new UnresolvableRefError(`${refName} has neither name nor resolver`);
    if (ref.kind !== undefined && ref.kind !== kind) throw new UnresolvableRefError(`${refName} kind ${ref.kind} is not supported by the local pipeline runner (only ${kind})`);
    return fromCluster(kind, runNamespace, ref.name, sources);
  }
  const params = paramsOf(ref.params);
  if (ref.resolver === 'cluster') return fromClusterResolver(kind, params, runNamespace, sources);
  if (ref.resolver === 'git') return fromGit(kind, params, runNamespace, sources, signal);
  throw new UnresolvableRefError(`the ${ref.resolver} resolver is not available in the local pipeline runner (only cluster and git)`);
}

function paramsOf(params: Param[] | undefined): Map<string, string> {
  const strings = (params ?? []).filter((p): p is { name: string; value: string } => typeof p.value === 'string');
  return new Map(strings.map((p) => [p.name, p.value]));
}

async function fromCluster(kind: TektonKind, namespace: string, name: string, sources: TektonSources): Promise<Referenced> {
  const object = (await sources.get(kind, namespace, name)) as { spec?: unknown } | undefined;
  if (!object) throw new UnresolvableRefError(`${PLURAL[kind]}.tekton.dev "${name}" not found in namespace ${namespace}`);
  return { name, namespace, spec: object.spec ?? {}, origin: `${kind} ${namespace}/${name}` };
}

function fromClusterResolver(kind: TektonKind, params: Map<string, string>, runNamespace: string, sources: TektonSources): Promise<Referenced> {
  const asked = params.get('kind') ?? 'task';
  if (asked !== kind.toLowerCase()) throw new UnresolvableRefError(`the cluster resolver was asked for kind ${asked}, not ${kind.toLowerCase()}`);
  const name = params.get('name');
  if (!name) throw new UnresolvableRefError('the cluster resolver needs a name param');
  return fromCluster(kind, params.get('namespace') ?? runNamespace, name, sources);
}

async function fromGit(kind: TektonKind, params: Map<string, string>, runNamespace: string, sources: TektonSources, signal?: AbortSignal): Promise<Referenced> {
  const url = params.get('url');
  const pathInRepo = params.get('pathInRepo');
  if (!url) {
    const why = params.has('repo') ? 'repo and org need an SCM API the local pipeline runner does not use; give url' : 'it needs a url param';
    throw new UnresolvableRefError(`git resolver: ${why}`);
  }
  if (!pathInRepo) throw new UnresolvableRefError('git resolver: it needs a pathInRepo param');
  const file: GitFileRef = { url, revision: params.get('revision') || DEFAULT_GIT_REVISION, pathInRepo };
  let text: string;
  try {
    text = await sources.gitFile(file, signal);
  } catch (err) {
    if (err instanceof GitResolutionError) throw new UnresolvableRefError(err.message);
    throw err;
  }
  const origin = `${JSON.stringify(file.pathInRepo)} at revision ${JSON.stringify(file.revision)} of ${file.url}`;
  const object = tektonObject(text, kind, origin);
  return { name: object.metadata?.name ?? kind.toLowerCase(), namespace: runNamespace, spec: object.spec ?? {}, origin: `${kind} ${origin}` };
}

interface TektonObject {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: { name?: string };
  spec?: unknown;
}

/** The file's one YAML document, which must be a Tekton object of the kind asked for. */
function tektonObject(text: string, kind: TektonKind, origin: string): TektonObject {
  let object: unknown;
  try {
    object = parseYaml(text);
  } catch (err) {
    throw new UnresolvableRefError(`git resolver: ${origin} is not one YAML document: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  }
  const found = (typeof object === 'object' && object !== null ? object : {}) as TektonObject;
  if (found.kind !== kind || !TEKTON_API_VERSIONS.includes(String(found.apiVersion))) {
    const what = typeof found.kind === 'string' ? `a ${found.kind} (${String(found.apiVersion)})` : 'not a Tekton object';
    throw new UnresolvableRefError(`git resolver: ${origin} is ${what}, not a tekton.dev ${kind}`);
  }
  return found;
}
