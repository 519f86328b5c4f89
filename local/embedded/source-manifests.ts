/**
 * The event sources as knative/private describes them: the remote watcher's ContainerSource (its
 * environment is the watcher's configuration), the PipelineRun ApiServerSource (resource, label
 * selector, its own namespace and the one its namespaceSelector names) and the resync sweep's
 * PingSource (what a ping looks like). Reading them here keeps local runs and the cluster install alike.
 */
import { join } from 'node:path';
import { parseSourceConfig } from '../../sources/remote-source/index.js';
import type { ResourceSourceOptions } from '../../sources/remote-source/index.js';
import { labelSelectorText } from './label-selector.js';
import type { LabelSelector } from './label-selector.js';
import { findManifest, readManifests } from './manifest-files.js';
import type { Manifest } from './manifest-files.js';
import { namespacesNamedBy } from './namespace-selector.js';
import { PRIVATE_DIR } from './project-paths.js';

interface ContainerSpec {
  env?: Array<{ name: string; value?: string }>;
}

interface ApiServerResource {
  apiVersion: string;
  kind: string;
  selector?: LabelSelector;
}

export class SourceManifestError extends Error {
  override name = 'SourceManifestError';
}

/** Options of the InternalRequest watcher on the cluster behind `kubeconfig`, sending to `sink`. */
export async function remoteSourceOptions(kubeconfig: string, sink: string): Promise<ResourceSourceOptions> {
  const manifest = findManifest(await readManifests(join(PRIVATE_DIR, 'remote-source.yaml')), 'ContainerSource');
  const template = manifest.spec?.['template'] as { spec?: { containers?: ContainerSpec[] } } | undefined;
  const env = Object.fromEntries((template?.spec?.containers?.[0]?.env ?? []).map((e) => [e.name, e.value ?? '']));
  return parseSourceConfig([], { ...env, REMOTE_KUBECONFIG: kubeconfig, K_SINK: sink });
}

async function pipelineRunSourceManifest(): Promise<Manifest> {
  return findManifest(await readManifests(join(PRIVATE_DIR, 'pipelinerun-source.yaml')), 'ApiServerSource');
}

function ownNamespace(manifest: Manifest): string {
  const namespace = manifest.metadata?.namespace;
  if (!namespace) throw new SourceManifestError('the ApiServerSource manifest names no namespace');
  return namespace;
}

/**
 * The one namespace the ApiServerSource watches, resolved as Knative's reconciler does: its own without
 * a namespaceSelector, else the namespaces the selector names. A local watcher watches one namespace,
 * and can only follow a selector that names it (namespace-selector.ts).
 */
function watchedNamespace(manifest: Manifest): string {
  const selector = manifest.spec?.['namespaceSelector'] as LabelSelector | undefined;
  if (selector === undefined) return ownNamespace(manifest);
  const names = namespacesNamedBy(selector);
  if (names?.length !== 1) {
    throw new SourceManifestError(`the ApiServerSource's namespaceSelector should name one namespace by kubernetes.io/metadata.name, not ${JSON.stringify(selector)}`);
  }
  return names[0] as string;
}

/** Options of the PipelineRun watcher on the cluster behind `kubeconfig`, in the namespace the ApiServerSource watches. */
export async function pipelineRunSourceOptions(kubeconfig: string, sink: string): Promise<ResourceSourceOptions> {
  const manifest = await pipelineRunSourceManifest();
  const resources = (manifest.spec?.['resources'] ?? []) as ApiServerResource[];
  const [resource] = resources;
  if (resources.length !== 1 || !resource) throw new SourceManifestError(`the ApiServerSource should watch one resource, not ${resources.length}`);
  return {
    kubeconfig,
    resource: { apiVersion: resource.apiVersion, kind: resource.kind },
    namespace: watchedNamespace(manifest),
    labelSelector: labelSelectorText(resource.selector),
    sink,
    dropStatusOnlyUpdates: false,
  };
}

/** Where the system lives (SERVICE_NAMESPACE of the functions): the config, and the ApiServerSource itself. */
export async function serviceNamespaceOfInstall(): Promise<string> {
  return ownNamespace(await pipelineRunSourceManifest());
}

/**
 * Where PipelineRuns live (PIPELINE_RUN_NAMESPACE of the functions): the namespace the ApiServerSource
 * watches. test/knative holds the functions' setting and the PipelineRun Roles to the same namespace.
 */
export async function pipelineRunNamespaceOfInstall(): Promise<string> {
  return watchedNamespace(await pipelineRunSourceManifest());
}

/** What knative/private's PingSource sends: its `source` attribute, content type and data. */
export interface PingManifest {
  source: string;
  contentType: string;
  data: unknown;
}

/** The PingSource of the resync sweep: its pings come from `/apis/v1/namespaces/<ns>/pingsources/<name>`. */
export async function pingManifest(): Promise<PingManifest> {
  const manifest = findManifest(await readManifests(join(PRIVATE_DIR, 'resync.yaml')), 'PingSource');
  const { namespace, name } = manifest.metadata ?? {};
  if (!namespace || !name) throw new SourceManifestError('the PingSource manifest names no namespace or name');
  const contentType = String(manifest.spec?.['contentType'] ?? 'text/plain');
  const text = String(manifest.spec?.['data'] ?? '');
  const data: unknown = contentType === 'application/json' ? JSON.parse(text) : text;
  return { source: `/apis/v1/namespaces/${namespace}/pingsources/${name}`, contentType, data };
}
