/**
 * One function in its own process, as production runs it: the functions-framework command line with
 * `--target=<name>` (the image's ENTRYPOINT), on a port that stays the same when the process is killed
 * and started again, the way a Knative Service keeps its address across pod restarts.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { until } from '../../support/until.js';

const FRAMEWORK_CLI = 'node_modules/.bin/functions-framework';
/**
 * client-node is loaded before tsx's loader hooks are registered: it is plain JavaScript, and the hooks
 * (which production does not have) would see each of its many modules, doubling a start.
 */
const PRELOADED = ['@kubernetes/client-node', 'tsx'];
const START_TIMEOUT_MS = 30_000;

export interface FunctionProcess {
  readonly name: string;
  readonly url: string;
  /** Times the process was started, the first start included. */
  readonly starts: number;
  /** SIGKILL, as the OOM killer or a node failure ends a pod: no handler finishes, no answer is sent. */
  kill(): Promise<void>;
  /** Starts the process again on the same port; resolves once it serves. */
  restart(): Promise<void>;
  /** What the process printed so far (all of its starts). */
  output(): string;
  stop(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

export async function startFunctionProcess(name: string, port: number, env: NodeJS.ProcessEnv): Promise<FunctionProcess> {
  let output = '';
  let starts = 0;
  let child: ChildProcess | undefined;

  const start = async (): Promise<void> => {
    const args = [...PRELOADED.flatMap((module) => ['--import', module]), FRAMEWORK_CLI, '--source=functions/index.ts', `--target=${name}`, `--port=${port}`];
    const mark = output.length;
    const started = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    starts++;
    started.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    started.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    // functions-framework prints its URL once it listens (outside NODE_ENV=production).
    const serving = (): boolean => output.slice(mark).includes(`URL: http://localhost:${port}/`);
    await until(() => serving() || started.exitCode !== null, `${name} to serve on port ${port}`, START_TIMEOUT_MS);
    if (!serving()) throw new Error(`functions-framework --target=${name} exited with ${started.exitCode}:\n${output.slice(mark)}`);
  };

  const signal = async (which: NodeJS.Signals): Promise<void> => {
    if (!child) return;
    const gone = exited(child);
    child.kill(which);
    await gone;
  };

  await start();
  return {
    name,
    url: `http://127.0.0.1:${port}/`,
    get starts() {
      return starts;
    },
    kill: () => signal('SIGKILL'),
    restart: start,
    output: () => output,
    stop: () => signal('SIGTERM'),
  };
}
