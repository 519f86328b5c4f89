/** Starts and stops function processes (support/function-process.ts), each with its own environment. */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ENTRY = fileURLToPath(new URL('./function-process.ts', import.meta.url));
const START_DEADLINE_MS = 20_000;

export interface FunctionProcess {
  readonly name: string;
  readonly url: string;
  stop(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

/** Resolves once the process prints its URL; rejects when it exits first or misses the deadline. */
export function startFunctionProcess(name: string, env: Record<string, string>): Promise<FunctionProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, name], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const stop = async (): Promise<void> => {
    const gone = exited(child);
    child.kill('SIGTERM');
    await gone;
  };
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      outcome();
    };
    const fail = (why: string): void => settle(() => void stop().then(() => reject(new Error(`function ${name} did not start (${why}):\n${output}`))));
    const deadline = setTimeout(() => fail(`no URL within ${START_DEADLINE_MS} ms`), START_DEADLINE_MS);
    child.once('exit', (code, signal) => fail(`exited with ${code ?? signal}`));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const url = /^listening (\S+)$/m.exec(output)?.[1];
      if (url !== undefined) settle(() => resolve({ name, url, stop }));
    });
  });
}
