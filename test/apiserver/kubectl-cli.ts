/**
 * Runs the real `kubectl` binary against an in-process API server. Each environment gets its own HOME
 * (kubectl caches discovery and OpenAPI per server address for hours) and its own kubeconfig.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiServer } from '../../local/apiserver/index.js';
import { execKubectl } from '../support/kubectl.js';
import type { KubectlProcess, KubectlResult } from '../support/kubectl.js';

export { describeIfKubectl, kubectlOnPath } from '../support/kubectl.js';
export type { KubectlResult } from '../support/kubectl.js';
export { until } from '../support/until.js';

export interface Kubectl {
  /** Runs kubectl with the given arguments; `input` is written to its stdin (for `-f -`). */
  run(args: string[], input?: string): Promise<KubectlResult>;
  /** Starts kubectl and returns at once; await the promise for its result. */
  start(args: string[]): KubectlProcess;
  dispose(): Promise<void>;
}

const TIMEOUT_MS = 20_000;

export async function kubectlFor(server: ApiServer, namespace = 'default'): Promise<Kubectl> {
  const home = await mkdtemp(join(tmpdir(), 'kubectl-home-'));
  const kubeconfig = join(home, 'kubeconfig');
  await server.writeKubeconfig(kubeconfig, { namespace });
  const env = { ...process.env, HOME: home, KUBECONFIG: kubeconfig, KUBECTL_INTERACTIVE_DELETE: 'false' };
  const start = (args: string[], input?: string): KubectlProcess => execKubectl(args, { env, timeoutMs: TIMEOUT_MS, input });
  return {
    run: (args, input) => start(args, input).done,
    start: (args) => start(args),
    dispose: () => rm(home, { recursive: true, force: true }),
  };
}

/** Reads kubectl's column output into records keyed by header, cutting rows at the header offsets. */
export function parseTable(stdout: string): Array<Record<string, string>> {
  const [header = '', ...rows] = stdout.replace(/\n$/, '').split('\n');
  const columns = [...header.matchAll(/\S+/g)].map((match) => ({ name: match[0], start: match.index }));
  return rows.map((row) =>
    Object.fromEntries(columns.map((column, i) => [column.name, row.slice(column.start, columns[i + 1]?.start).trim()])),
  );
}
