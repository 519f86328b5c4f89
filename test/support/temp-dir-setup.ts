/**
 * Jest global setup: every run gets a temporary folder of its own, as TMPDIR, so the workers' and their
 * children's `os.tmpdir()` point inside it. The matching teardown fails the run when a test left anything
 * there: tests clean up after themselves, and a leak names its folder instead of piling up in /tmp.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Also read by temp-dir-teardown.ts. */
const RUN_TMPDIR = 'INTERNAL_SERVICES_TEST_TMPDIR';

export default async function setup(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'internal-services-tests-'));
  process.env[RUN_TMPDIR] = dir;
  process.env.TMPDIR = dir;
}
