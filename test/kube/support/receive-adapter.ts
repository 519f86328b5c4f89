/**
 * Knative Eventing's ApiServerSource receive adapter (the real program, built from the release the
 * README documents), run outside a cluster: configured through the environment exactly as Knative's
 * ApiServerSource reconciler configures its Deployment, reading the cluster through a kubeconfig.
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
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

export interface ReceiveAdapterOptions {
  kubeconfig: string;
  sink: string;
  /** The ApiServerSource's own namespace: with no namespaceSelector, the only one watched. */
  namespace: string;
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

/** K_SOURCE_CONFIG as the reconciler marshals it (Go field names for the GroupVersionResource). */
export function sourceConfig(options: Pick<ReceiveAdapterOptions, 'namespace' | 'resources' | 'mode'>): string {
  return JSON.stringify({
    namespaces: [options.namespace],
    allNamespaces: false,
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
