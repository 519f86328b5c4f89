import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { CLAIM_FILE, claimStateFolder, processAlive, StateFolderInUseError } from './state-claim.js';

let dir: string;
const now = (): Date => new Date('2026-11-29T08:00:00Z');

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'state-claim-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the state folder belongs to one running system', () => {
  it('when a start claims a free folder, then running.json holds its PID', async () => {
    await claimStateFolder(dir, { pid: 4242, now });
    expect(JSON.parse(await readFile(join(dir, CLAIM_FILE), 'utf8'))).toEqual({ pid: 4242, startedAt: '2026-11-29T08:00:00.000Z' });
  });

  it('when a second start claims a folder whose system runs, then it is refused with that PID and its ports', async () => {
    const first = await claimStateFolder(dir, { pid: 4242, now, alive: () => true });
    await first.record({ public: 'http://127.0.0.1:6443', broker: 'http://127.0.0.1:6445/' });
    const second = claimStateFolder(dir, { pid: 5151, now, alive: () => true });
    await expect(second).rejects.toThrow(StateFolderInUseError);
    await expect(second).rejects.toThrow(/PID 4242.*public http:\/\/127\.0\.0\.1:6443, broker http:\/\/127\.0\.0\.1:6445\/.*--dir/);
  });

  it('when the claiming process has gone, then the claim is stale and the next start takes it over', async () => {
    await claimStateFolder(dir, { pid: 4242, now });
    await claimStateFolder(dir, { pid: 5151, now, alive: (pid) => pid !== 4242 });
    expect(JSON.parse(await readFile(join(dir, CLAIM_FILE), 'utf8'))).toMatchObject({ pid: 5151 });
  });

  it('when running.json is unreadable, then it is taken over rather than blocking every start', async () => {
    await writeFile(join(dir, CLAIM_FILE), 'not json');
    await claimStateFolder(dir, { pid: 5151, now, alive: () => true });
    expect(JSON.parse(await readFile(join(dir, CLAIM_FILE), 'utf8'))).toMatchObject({ pid: 5151 });
  });

  it('when the system stops, then the claim and what it published are removed', async () => {
    const published = join(dir, 'endpoints.json');
    await writeFile(published, '{}');
    const claim = await claimStateFolder(dir, { pid: 4242, now });
    await claim.release([published]);
    expect(existsSync(join(dir, CLAIM_FILE))).toBe(false);
    expect(existsSync(published)).toBe(false);
  });

  it('when the folder was taken over meanwhile, then releasing leaves the new owner alone', async () => {
    const published = join(dir, 'endpoints.json');
    const stale = await claimStateFolder(dir, { pid: 4242, now });
    await claimStateFolder(dir, { pid: 5151, now, alive: (pid) => pid !== 4242 });
    await writeFile(published, '{}');
    await stale.release([published]);
    expect(JSON.parse(await readFile(join(dir, CLAIM_FILE), 'utf8'))).toMatchObject({ pid: 5151 });
    expect(existsSync(published)).toBe(true);
  });

  it('when asked about this process or PID 0x7fffffff, then one is alive and the other is not', () => {
    expect(processAlive(process.pid)).toBe(true);
    expect(processAlive(0x7fffffff)).toBe(false);
  });
});
