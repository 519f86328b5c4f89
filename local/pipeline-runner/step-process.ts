import { spawn } from 'node:child_process';
import { chmod, open, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Step } from './tekton-types.js';

export interface StepExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: string; // the command could not be started at all
}

export interface StepPlace {
  workDir: string; // the step's working directory
  scriptPath: string; // where the script is written
  logPath: string; // stdout and stderr go here
}

/** Scripts with a shebang run through it (as in Tekton); others with `sh`. `image` is ignored. */
async function commandOf(step: Step, scriptPath: string): Promise<[string, string[]] | undefined> {
  if (step.script !== undefined) {
    await writeFile(scriptPath, step.script);
    if (!step.script.startsWith('#!')) return ['sh', [scriptPath]];
    await chmod(scriptPath, 0o755);
    return [scriptPath, []];
  }
  const [command, ...rest] = step.command ?? [];
  return command === undefined ? undefined : [command, [...rest, ...(step.args ?? [])]];
}

/**
 * Runs one step as its own process group, so that aborting `signal` (cancel, timeout) kills the step
 * together with everything it started.
 */
export async function runStepProcess(step: Step, place: StepPlace, signal: AbortSignal): Promise<StepExit> {
  const commandLine = await commandOf(step, place.scriptPath);
  if (!commandLine) return { code: null, signal: null, error: 'the step has neither script nor command' };
  const [command, args] = commandLine;
  const env = { ...process.env, ...Object.fromEntries((step.env ?? []).map((e) => [e.name, e.value ?? ''])) };
  const log = await open(place.logPath, 'a');
  try {
    return await new Promise<StepExit>((resolve) => {
      if (signal.aborted) return resolve({ code: null, signal: 'SIGKILL' });
      const child = spawn(command, args, { cwd: place.workDir, env, detached: true, stdio: ['ignore', log.fd, log.fd] });
      const kill = (): void => {
        if (child.pid === undefined || child.exitCode !== null) return;
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // The group ended between the check and the kill.
        }
      };
      signal.addEventListener('abort', kill, { once: true });
      child.once('error', (err) => {
        signal.removeEventListener('abort', kill);
        resolve({ code: null, signal: null, error: err.message });
      });
      child.once('exit', (code, killedBy) => {
        signal.removeEventListener('abort', kill);
        resolve({ code, signal: killedBy });
      });
    });
  } finally {
    await log.close();
  }
}

/** The end of what a step printed, for a log line about its failure. */
export async function outputTail(place: StepPlace, chars = 2000): Promise<string> {
  const output = await readFile(place.logPath, 'utf8').catch(() => '');
  return output.slice(-chars);
}

export function stepName(step: Step, index: number): string {
  return step.name ?? `unnamed-${index}`;
}

export function stepPlace(taskDir: string, index: number): StepPlace {
  return { workDir: join(taskDir, 'work'), scriptPath: join(taskDir, 'scripts', `step-${index}`), logPath: join(taskDir, 'logs', `step-${index}.log`) };
}
