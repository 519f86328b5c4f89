/**
 * The real `kubectl` binary against a kubeconfig file the system wrote. Each Kubectl has its own HOME,
 * because kubectl caches discovery per server address and the local servers reuse addresses.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Kubectl {
  /** Runs `kubectl --kubeconfig <file> …args`; `input` goes to stdin (for `-f -`). */
  run(kubeconfig: string, args: string[], input?: string): Promise<KubectlResult>;
  dispose(): Promise<void>;
}

const TIMEOUT_MS = 30_000;

export function kubectlOnPath(): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, 'kubectl'), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** `describe` when kubectl is installed, else `describe.skip` after a notice on the console saying why. */
export function describeIfKubectl<T extends { skip: unknown }>(describeFn: T, suite: string): T | T['skip'] {
  if (kubectlOnPath()) return describeFn;
  console.warn(`NOTICE: ${suite} is SKIPPED because no kubectl binary is on the PATH. Install kubectl (1.27+) to run it.`);
  return describeFn.skip;
}

export async function createKubectl(): Promise<Kubectl> {
  const home = await mkdtemp(join(tmpdir(), 'e2e-kubectl-home-'));
  const env = { ...process.env, HOME: home, KUBECTL_INTERACTIVE_DELETE: 'false' };
  return {
    run: (kubeconfig, args, input) =>
      new Promise((resolve) => {
        const child = execFile('kubectl', ['--kubeconfig', kubeconfig, ...args], { env, timeout: TIMEOUT_MS }, (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
          resolve({ code, stdout: String(stdout), stderr: String(stderr) });
        });
        child.stdin?.end(input ?? '');
      }),
    dispose: () => rm(home, { recursive: true, force: true }),
  };
}

/** Fails with kubectl's own words when a command did not succeed. */
export function succeeded(result: KubectlResult): string {
  if (result.code !== 0) throw new Error(`kubectl exited ${result.code}: ${result.stderr.trim() || result.stdout.trim()}`);
  return result.stdout;
}
