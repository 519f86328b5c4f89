/**
 * One function served by the real functions-framework command line, as the image's ENTRYPOINT runs it
 * (the in-process test server has no --timeout): the flags a test needs, the clusters of this process's
 * environment, and its JSON log lines kept for the test to read.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { freePortBase } from '../e2e/support/free-ports.js';
import { until } from '../support/until.js';

const FRAMEWORK_CLI = 'node_modules/.bin/functions-framework';

export interface FrameworkProcess {
  url: string;
  /** The JSON lines the function logged so far. */
  logLines(): Array<Record<string, unknown>>;
  stop(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

function jsonLines(output: string): Array<Record<string, unknown>> {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Starts `functions-framework --target=<target> <flags>` on a free port; resolves once it serves. */
export async function startFrameworkProcess(target: string, flags: string[]): Promise<FrameworkProcess> {
  const port = await freePortBase(1);
  const args = ['--import', 'tsx', FRAMEWORK_CLI, '--source=functions/index.ts', `--target=${target}`, `--port=${port}`, ...flags];
  const child = spawn(process.execPath, args, { env: { ...process.env, LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const stop = async (): Promise<void> => {
    const gone = exited(child);
    child.kill('SIGTERM');
    await gone;
  };
  try {
    // functions-framework prints its URL once it listens (outside NODE_ENV=production).
    await until(() => output.includes(`URL: http://localhost:${port}/`) || child.exitCode !== null, `${target} to serve`, 20_000);
  } catch (err) {
    await stop();
    throw err;
  }
  if (child.exitCode !== null) throw new Error(`functions-framework --target=${target} exited with ${child.exitCode}:\n${output}`);
  return { url: `http://127.0.0.1:${port}/`, logLines: () => jsonLines(output), stop };
}
