/** A command run as its own process group, the way a terminal runs `npm start`, with its output kept. */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';

export interface RunningCommand {
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Resolves with the exit code (128 + n when killed by signal n, as a shell reports it). */
  readonly exited: Promise<number>;
  /** Sends `signal` to the whole group, as Ctrl-C in a terminal does. */
  signalGroup(signal: NodeJS.Signals): void;
  /** Sends `signal` to the command's own process only, as a supervisor does. */
  signal(signal: NodeJS.Signals): void;
}

const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

export function startCommand(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): RunningCommand {
  const child: ChildProcess = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number>((resolve) => {
    child.once('close', (code, signal) => resolve(code ?? 128 + (signal ? (SIGNAL_NUMBERS[signal] ?? 0) : 0)));
  });
  return {
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    signalGroup(signal) {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // The group has already gone.
      }
    },
    signal(signal) {
      child.kill(signal);
    },
  };
}
