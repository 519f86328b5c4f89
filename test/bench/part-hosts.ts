/** The bench's side of a part host: a child process running one part, asked over IPC. */
import { fork } from 'node:child_process';
import { readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RequestCount } from '../../local/apiserver/index.js';
import type { CpuSample, HostAnswer, HostRequest } from './host-protocol.js';
import type { ClusterName, PartName, SplitPlan, SystemInfo } from './parts.js';

const HOST_SCRIPT = fileURLToPath(new URL('./part-host.ts', import.meta.url));
const START_TIMEOUT_MS = 60_000;

export class PartHostError extends Error {
  override name = 'PartHostError';
}

export interface PartHost {
  readonly part: PartName;
  readonly pid: number;
  readonly info: SystemInfo | undefined;
  /** CPU (user + system, all threads) the process has used since it started, in ms. */
  cpuMs(): Promise<number>;
  idle(): Promise<void>;
  requests(): Promise<Record<ClusterName, RequestCount[]>>;
  resetRequests(): Promise<void>;
  stop(): Promise<void>;
}

type Query = Exclude<HostRequest, { kind: 'start' }>['kind'];
type Answer = Extract<HostAnswer, { kind: 'answer' }>;

/**
 * Node names a profile CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile, one per thread: the main
 * thread's (thread 0) becomes <part>.cpuprofile; the module loader's (tsx's hooks run in a thread of
 * their own) only shows start-up, and goes.
 */
async function nameProfiles(dir: string, part: PartName, pid: number): Promise<void> {
  for (const file of await readdir(dir)) {
    const match = /^CPU\.\d+\.\d+\.(\d+)\.(\d+)\.\d+\.cpuprofile$/.exec(file);
    if (match?.[1] !== String(pid)) continue;
    if (match[2] === '0') await rename(join(dir, file), join(dir, `${part}.cpuprofile`));
    else await rm(join(dir, file));
  }
}

function cpuMsOf(sample: CpuSample | undefined): number {
  if (sample === undefined) throw new PartHostError('the host sent no CPU figures');
  return (sample.userMicros + sample.systemMicros) / 1000;
}

/**
 * Starts `part` in its own Node process under tsx, as `npm start` runs (its logs, at the default
 * level, go to /dev/null: writing them is part of the cost).
 */
export async function startPartHost(part: PartName, plan: SplitPlan): Promise<PartHost> {
  const profile = plan.cpuProfileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${plan.cpuProfileDir}`];
  const execArgv = ['--import', 'tsx', ...profile];
  const child = fork(HOST_SCRIPT, [], { execArgv, stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env: { ...process.env, LOG_LEVEL: 'info' } });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-4000)));
  const pending = new Map<number, { resolve: (answer: Answer) => void; reject: (err: Error) => void }>();
  let nextId = 1;
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => {
    exited = true;
    for (const { reject } of pending.values()) reject(new PartHostError(`the ${part} host exited: ${stderr}`));
    resolve();
  }));

  const started = new Promise<SystemInfo | undefined>((resolve, reject) => {
    const timer = setTimeout(() => reject(new PartHostError(`the ${part} host did not start within ${START_TIMEOUT_MS} ms: ${stderr}`)), START_TIMEOUT_MS);
    child.on('message', (answer: HostAnswer) => {
      if (answer.kind === 'started') {
        clearTimeout(timer);
        resolve(answer.info);
      } else if (answer.kind === 'failed') {
        clearTimeout(timer);
        reject(new PartHostError(`the ${part} host failed to start: ${answer.error}`));
      } else {
        const waiter = pending.get(answer.id);
        pending.delete(answer.id);
        if (answer.kind === 'answer') waiter?.resolve(answer);
        else waiter?.reject(new PartHostError(`the ${part} host: ${answer.error}`));
      }
    });
    void exit.then(() => reject(new PartHostError(`the ${part} host exited while starting: ${stderr}`)));
  });

  const ask = (kind: Query): Promise<Answer> => {
    if (exited) return Promise.reject(new PartHostError(`the ${part} host has exited`));
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      child.send({ kind, id } satisfies HostRequest);
    });
  };

  child.send({ kind: 'start', part, plan } satisfies HostRequest);
  let info: SystemInfo | undefined;
  try {
    info = await started;
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    part,
    pid: child.pid ?? 0,
    info,
    cpuMs: async () => cpuMsOf((await ask('cpu')).cpu),
    idle: async () => void (await ask('idle')),
    requests: async () => {
      const { requests } = await ask('requests');
      if (requests === undefined) throw new PartHostError(`the ${part} host runs no API server`);
      return requests;
    },
    resetRequests: async () => void (await ask('reset')),
    stop: async () => {
      if (exited) return;
      await ask('stop').catch(() => child.kill('SIGKILL'));
      await exit;
      if (plan.cpuProfileDir !== undefined) await nameProfiles(plan.cpuProfileDir, part, child.pid ?? 0);
    },
  };
}
