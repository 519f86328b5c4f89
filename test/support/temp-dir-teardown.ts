/** Jest global teardown: the run's temporary folder must be empty; it is removed either way. */
import { readdir, rm } from 'node:fs/promises';

/** Set by temp-dir-setup.ts (global hooks are loaded apart from the test modules, so no import here). */
const RUN_TMPDIR = 'INTERNAL_SERVICES_TEST_TMPDIR';

export class LeftoverTempFilesError extends Error {
  override name = 'LeftoverTempFilesError';
}

/** Caches that tools keep in TMPDIR on purpose: tsx's compile cache (`tsx-<uid>`), used by spawned `--import tsx` children. */
const TOOL_CACHES = [/^tsx-\d+$/];

export default async function teardown(): Promise<void> {
  const dir = process.env[RUN_TMPDIR];
  if (!dir) return;
  const left = (await readdir(dir).catch(() => [])).filter((entry) => !TOOL_CACHES.some((cache) => cache.test(entry)));
  await rm(dir, { recursive: true, force: true });
  if (left.length > 0) {
    throw new LeftoverTempFilesError(`tests left ${left.length} entries in their temporary folder: ${left.sort().join(', ')}`);
  }
}
