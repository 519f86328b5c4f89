/**
 * Knative Eventing's ApiServerSource receive adapter (the real program, built from the release
 * docs/test-bed.md documents), run outside a cluster: configured through the environment exactly as Knative's
 * ApiServerSource reconciler configures its Deployment (pkg/reconciler/apiserversource, makeEnv in
 * resources/receive_adapter.go), reading the cluster through a kubeconfig.
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { labelSelectorText } from '../../../local/embedded/label-selector.js';
import type { LabelSelector } from '../../../local/embedded/label-selector.js';
import type { Manifest } from '../../../local/embedded/manifest-files.js';
import { BINARIES, ensureBinary } from '../binaries.js';
import { freePort } from '../control-plane.js';

export interface WatchedResource {
  group: string;
  version: string;
  /** The plural, as discovery names it (the reconciler resolves apiVersion/kind to it). */
  resource: string;
  /** A label selector in its text form, as the reconciler writes it. */
  selector?: string;
}

/** The namespaces the reconciler gives the adapter to watch (K_SOURCE_CONFIG `namespaces`, `allNamespaces`). */
export interface WatchedNamespaces {
  namespaces: string[];
  /** An empty namespaceSelector: every namespace. */
  allNamespaces: boolean;
}

export interface ReceiveAdapterOptions {
  kubeconfig: string;
  sink: string;
  /** The ApiServerSource's own namespace: where the adapter's pod runs (its NAMESPACE). */
  namespace: string;
  /** What the reconciler resolved the namespaceSelector to (`watchedNamespaces`). */
  watched: WatchedNamespaces;
  name: string;
  resources: WatchedResource[];
  mode: 'Resource' | 'Reference';
  ceOverrides?: { extensions: Record<string, string> };
  /** Where the adapter's log goes. */
  logFile: string;
}

export interface ReceiveAdapter {
  log(): Promise<string>;
  stop(): Promise<void>;
}

/** Lists the names of the namespaces whose labels match `labelSelector` (all of them when undefined). */
export type NamespaceLister = (labelSelector: string | undefined) => Promise<string[]>;

/**
 * The namespaces the adapter watches, as the reconciler resolves them (namespacesFromSelector and
 * isEmptySelector in apiserversource.go): without a namespaceSelector, the source's own namespace; with
 * one, the namespaces whose labels match it, listed from the cluster and sorted; an empty one matches
 * them all and sets allNamespaces.
 */
export async function watchedNamespaces(sourceNamespace: string, selector: LabelSelector | undefined, list: NamespaceLister): Promise<WatchedNamespaces> {
  if (selector === undefined) return { namespaces: [sourceNamespace], allNamespaces: false };
  const empty = Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
  return { namespaces: [...(await list(labelSelectorText(selector)))].sort(), allNamespaces: empty };
}

/** The plural the reconciler guesses from a kind (meta.UnsafeGuessKindToResource). */
export function guessedPlural(kind: string): string {
  const singular = kind.toLowerCase();
  if (singular.endsWith('endpoints')) return singular;
  if (singular.endsWith('s')) return `${singular}es`;
  if (singular.endsWith('y')) return `${singular.slice(0, -1)}ies`;
  return `${singular}s`;
}

interface ApiServerSourceSpec {
  mode?: 'Resource' | 'Reference';
  namespaceSelector?: LabelSelector;
  resources?: Array<{ apiVersion: string; kind: string; selector?: LabelSelector }>;
  ceOverrides?: { extensions: Record<string, string> };
}

/** What the reconciler derives from an ApiServerSource manifest: its name, namespace, resources, mode and watched namespaces. */
export async function adapterOptionsOf(
  manifest: Manifest,
  list: NamespaceLister,
): Promise<Pick<ReceiveAdapterOptions, 'name' | 'namespace' | 'watched' | 'resources' | 'mode' | 'ceOverrides'>> {
  const { name, namespace } = manifest.metadata ?? {};
  if (!name || !namespace) throw new Error('the ApiServerSource manifest names no name or namespace');
  const spec = (manifest.spec ?? {}) as ApiServerSourceSpec;
  const resources = (spec.resources ?? []).map(({ apiVersion, kind, selector }): WatchedResource => {
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
    const text = labelSelectorText(selector);
    return { group: group ?? '', version: version ?? '', resource: guessedPlural(kind), ...(text ? { selector: text } : {}) };
  });
  return {
    name, namespace, resources,
    watched: await watchedNamespaces(namespace, spec.namespaceSelector, list),
    mode: spec.mode ?? 'Reference',
    ...(spec.ceOverrides ? { ceOverrides: spec.ceOverrides } : {}),
  };
}

/** K_SOURCE_CONFIG as the reconciler marshals it (Go field names for the GroupVersionResource). */
export function sourceConfig(options: Pick<ReceiveAdapterOptions, 'watched' | 'resources' | 'mode'>): string {
  return JSON.stringify({
    namespaces: options.watched.namespaces,
    allNamespaces: options.watched.allNamespaces,
    resources: options.resources.map((r) => ({
      gvr: { Group: r.group, Version: r.version, Resource: r.resource },
      ...(r.selector ? { selector: r.selector } : {}),
    })),
    mode: options.mode,
  });
}

export async function startReceiveAdapter(options: ReceiveAdapterOptions): Promise<ReceiveAdapter> {
  const binary = await ensureBinary(BINARIES.apiserverReceiveAdapter);
  const log = createWriteStream(options.logFile);
  const child = spawn(binary, ['--disable-ha'], {
    env: {
      PATH: process.env.PATH ?? '',
      KUBECONFIG: options.kubeconfig,
      K_SINK: options.sink,
      NAMESPACE: options.namespace,
      NAME: options.name,
      K_SOURCE_CONFIG: sourceConfig(options),
      K_CE_OVERRIDES: options.ceOverrides ? JSON.stringify(options.ceOverrides) : '',
      K_LOGGING_CONFIG: '{}',
      K_OBSERVABILITY_CONFIG: '{}',
      // Its profiling server would take port 8008; give it a free one (its probes try :8080, and only log if taken).
      PROFILING_PORT: String(await freePort()),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    log: () => readFile(options.logFile, 'utf8'),
    async stop(): Promise<void> {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
      log.end();
    },
  };
}
