/**
 * The state folder (`.local` by default) belongs to one running system at a time. A start claims it by
 * creating `<dir>/running.json` exclusively, holding its PID; a second start on the same folder reads
 * that file and refuses, naming the PID and the ports of the system that runs. A claim whose process has
 * gone (killed, machine restarted) is stale and taken over. Stopping releases the claim and removes what
 * the run published, so the folder no longer claims a running system.
 */
import { open, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const CLAIM_FILE = 'running.json';

export interface StateClaimRecord {
  pid: number;
  startedAt: string;
  /** Where the parts listen, once the system is up (the same as endpoints.json). */
  listening?: Record<string, string>;
}

export class StateFolderInUseError extends Error {
  override name = 'StateFolderInUseError';
}

export interface StateClaim {
  readonly file: string;
  /** Records where the running system listens, for the message a second start prints. */
  record(listening: Record<string, string>): Promise<void>;
  /** Removes the claim and the given published files, if the claim is still this process's. */
  release(published?: string[]): Promise<void>;
}

/** True when a process with this PID exists (EPERM: it exists but belongs to someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readClaim(file: string): Promise<StateClaimRecord | undefined> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<StateClaimRecord>;
    return typeof parsed.pid === 'number' ? (parsed as StateClaimRecord) : undefined;
  } catch {
    return undefined;
  }
}

function describeRunning(dir: string, claim: StateClaimRecord): string {
  const where = Object.entries(claim.listening ?? {}).map(([part, url]) => `${part} ${url}`);
  const listening = where.length > 0 ? `; it listens on ${where.join(', ')}` : ' (still starting)';
  return (
    `${dir} belongs to the system running as PID ${claim.pid}, started ${claim.startedAt}${listening}. ` +
    `Stop it first, or give this one another folder with --dir`
  );
}

async function writeExclusive(file: string, record: StateClaimRecord): Promise<boolean> {
  try {
    const handle = await open(file, 'wx');
    try {
      await handle.writeFile(`${JSON.stringify(record, null, 2)}\n`);
    } finally {
      await handle.close();
    }
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/**
 * Claims `dir` (which must exist) for this process, or throws StateFolderInUseError naming the running
 * system. `alive` is injectable for tests.
 */
export async function claimStateFolder(dir: string, options: { pid?: number; now?: () => Date; alive?: (pid: number) => boolean } = {}): Promise<StateClaim> {
  const file = join(dir, CLAIM_FILE);
  const pid = options.pid ?? process.pid;
  const alive = options.alive ?? processAlive;
  let record: StateClaimRecord = { pid, startedAt: (options.now ?? (() => new Date()))().toISOString() };
  for (let attempt = 0; !(await writeExclusive(file, record)); attempt++) {
    const holder = await readClaim(file);
    if (holder && holder.pid !== pid && alive(holder.pid)) throw new StateFolderInUseError(describeRunning(dir, holder));
    // Stale (its process is gone) or unreadable: take it over, once; a second collision is a race lost.
    if (attempt > 0) throw new StateFolderInUseError(`${dir} was claimed by another start at the same moment; try again`);
    await rm(file, { force: true });
  }
  return {
    file,
    async record(listening) {
      record = { ...record, listening };
      const current = await readClaim(file);
      if (current?.pid !== pid) return;
      await writeFile(file, `${JSON.stringify(record, null, 2)}\n`);
    },
    async release(published = []) {
      const current = await readClaim(file);
      if (current?.pid !== pid) return;
      await Promise.all(published.map((path) => rm(path, { force: true })));
      await rm(file, { force: true });
    },
  };
}
