/**
 * Runs the real `kubectl` binary against an in-process API server. Each environment gets its own HOME
 * (kubectl caches discovery and OpenAPI per server address for hours) and its own kubeconfig.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { ApiServer } from '../../local/apiserver/index.js';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Kubectl {
  /** Runs kubectl with the given arguments; `input` is written to its stdin (for `-f -`). */
  run(args: string[], input?: string): Promise<KubectlResult>;
  /** Starts kubectl and returns at once; await the promise for its result. */
  start(args: string[]): { done: Promise<KubectlResult>; kill(): void };
  dispose(): Promise<void>;
}

const TIMEOUT_MS = 20_000;

/** Whether a `kubectl` executable is on the PATH; the suites skip with a notice when it is not. */
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

/** `describe` when kubectl is installed, else `describe.skip` after a console notice saying why. */
export function describeIfKubectl<T extends { skip: unknown }>(describeFn: T, suite: string): T | T['skip'] {
  if (kubectlOnPath()) return describeFn;
  console.warn(`${suite}: skipped because no kubectl binary is on the PATH`);
  return describeFn.skip;
}

export async function kubectlFor(server: ApiServer, namespace = 'default'): Promise<Kubectl> {
  const home = await mkdtemp(join(tmpdir(), 'kubectl-home-'));
  const kubeconfig = join(home, 'kubeconfig');
  await server.writeKubeconfig(kubeconfig, { namespace });
  const env = { ...process.env, HOME: home, KUBECONFIG: kubeconfig, KUBECTL_INTERACTIVE_DELETE: 'false' };
  const start = (args: string[], input?: string): { done: Promise<KubectlResult>; kill(): void } => {
    let child: ReturnType<typeof execFile> | undefined;
    const done = new Promise<KubectlResult>((resolve) => {
      child = execFile('kubectl', args, { env, timeout: TIMEOUT_MS }, (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      });
      child.stdin?.end(input ?? '');
    });
    return { done, kill: () => child?.kill() };
  };
  return {
    run: (args, input) => start(args, input).done,
    start: (args) => start(args),
    dispose: () => rm(home, { recursive: true, force: true }),
  };
}

/** Polls a condition until it holds or the deadline passes; used instead of sleeping for a fixed time. */
export async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Reads kubectl's column output into records keyed by header, cutting rows at the header offsets. */
export function parseTable(stdout: string): Array<Record<string, string>> {
  const [header = '', ...rows] = stdout.replace(/\n$/, '').split('\n');
  const columns = [...header.matchAll(/\S+/g)].map((match) => ({ name: match[0], start: match.index }));
  return rows.map((row) =>
    Object.fromEntries(columns.map((column, i) => [column.name, row.slice(column.start, columns[i + 1]?.start).trim()])),
  );
}
