/**
 * The one way test suites run the real `kubectl` binary, and skip themselves (with a notice) where it
 * is not installed.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface KubectlProcess {
  done: Promise<KubectlResult>;
  kill(): void;
}

/** Whether a `kubectl` executable is on the PATH. */
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

export class MissingKubectlError extends Error {
  override name = 'MissingKubectlError';
}

/**
 * `describe` when kubectl is installed, else `describe.skip` after a notice on the console saying why.
 * Under CI=true a missing kubectl fails the suite instead: CI never hides a skipped proof.
 */
export function describeIfKubectl<T extends { skip: unknown }>(describeFn: T, suite: string): T | T['skip'] {
  if (kubectlOnPath()) return describeFn;
  if (process.env.CI === 'true') throw new MissingKubectlError(`${suite} needs kubectl (1.27+) on the PATH, and CI=true forbids skipping it`);
  console.warn(`NOTICE: ${suite} is SKIPPED because no kubectl binary is on the PATH. Install kubectl (1.27+) to run it.`);
  return describeFn.skip;
}

/** Starts kubectl; `input` goes to its stdin (for `-f -`). The result never rejects: read its code. */
export function execKubectl(args: string[], options: { env: NodeJS.ProcessEnv; timeoutMs: number; input?: string }): KubectlProcess {
  let child: ReturnType<typeof execFile> | undefined;
  const done = new Promise<KubectlResult>((resolve) => {
    child = execFile('kubectl', args, { env: options.env, timeout: options.timeoutMs }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
    child.stdin?.end(options.input ?? '');
  });
  return { done, kill: () => child?.kill() };
}
