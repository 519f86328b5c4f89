/**
 * `npm run test:kube [-- <jest args>]`: the suites that exercise production code through an API server,
 * or only the test files named among the arguments,
 * run against real kube-apiservers (TEST_CLUSTER=kube), plus the checks by Knative's and Tekton's own
 * code. Checks the tools first and builds the Go programs with visible progress, so a missing tool is
 * named at once and a cold build never counts against a test's timeout.
 */
import { spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { BINARIES, ensureBinaries, goCommand } from './binaries.js';
import type { BinaryName } from './binaries.js';

const ROOT = resolve(import.meta.dirname, '..', '..');

/**
 * One test code base: these are the same suites `npm test` runs against the local API server (the
 * local server's own suites among them, so each difference found stays fixed on both).
 */
export const KUBE_SUITES = [
  'test/apiserver/client-node-crud.test.ts',
  'test/apiserver/client-node-validation.test.ts',
  'test/apiserver/client-node-paging.test.ts',
  'test/apiserver/client-node-ops.test.ts',
  'test/apiserver/client-node-semantics.test.ts',
  'test/apiserver/client-node-watch-fidelity.test.ts',
  'test/apiserver/kubectl-discovery.test.ts',
  'test/apiserver/kubectl-crud.test.ts',
  'test/apiserver/kubectl-wait.test.ts',
  'test/functions/',
  'test/sources/',
  'test/rbac/least-privilege.test.ts',
  'test/e2e/real-clusters.test.ts',
  'test/e2e/fault-matrix.test.ts',
  'test/kube/',
];

function checkKubectl(): void {
  const probe = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    throw new Error('kubectl (1.27 or later) is not on the PATH: the suites render knative/ with `kubectl kustomize` and drive the servers with it');
  }
}

async function main(): Promise<void> {
  goCommand();
  checkKubectl();
  await ensureBinaries(Object.keys(BINARIES) as BinaryName[]);
  const args = process.argv.slice(2);
  // `npm run test:kube -- test/e2e/fault-matrix.test.ts` runs that suite alone; flags alone keep the whole list.
  const chosen = args.some((arg) => !arg.startsWith('-') && /[/.]/.test(arg));
  const jest = spawn(process.execPath, ['--experimental-vm-modules', 'node_modules/jest/bin/jest.js', ...(chosen ? [] : KUBE_SUITES), ...args], {
    cwd: ROOT,
    env: { ...process.env, TEST_CLUSTER: 'kube' },
    stdio: 'inherit',
  });
  const code = await new Promise<number>((done) => jest.once('exit', (exitCode, signal) => done(exitCode ?? (signal ? 1 : 0))));
  process.exit(code);
}

main().catch((error: unknown) => {
  process.stderr.write(`test:kube: ${(error as Error).message}\n`);
  process.exit(1);
});
