/**
 * The real `kubectl` binary against a kubeconfig file the system wrote. Each Kubectl has its own HOME,
 * because kubectl caches discovery per server address and the local servers reuse addresses.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execKubectl } from '../../support/kubectl.js';
import type { KubectlResult } from '../../support/kubectl.js';

export { describeIfKubectl, kubectlOnPath } from '../../support/kubectl.js';
export type { KubectlResult } from '../../support/kubectl.js';

export interface Kubectl {
  /** Runs `kubectl --kubeconfig <file> …args`; `input` goes to stdin (for `-f -`). */
  run(kubeconfig: string, args: string[], input?: string): Promise<KubectlResult>;
  dispose(): Promise<void>;
}

const TIMEOUT_MS = 30_000;

export async function createKubectl(): Promise<Kubectl> {
  const home = await mkdtemp(join(tmpdir(), 'e2e-kubectl-home-'));
  const env = { ...process.env, HOME: home, KUBECTL_INTERACTIVE_DELETE: 'false' };
  return {
    run: (kubeconfig, args, input) => execKubectl(['--kubeconfig', kubeconfig, ...args], { env, timeoutMs: TIMEOUT_MS, input }).done,
    dispose: () => rm(home, { recursive: true, force: true }),
  };
}

/** Fails with kubectl's own words when a command did not succeed. */
export function succeeded(result: KubectlResult): string {
  if (result.code !== 0) throw new Error(`kubectl exited ${result.code}: ${result.stderr.trim() || result.stdout.trim()}`);
  return result.stdout;
}
