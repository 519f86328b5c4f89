/**
 * `npm run kube:build [-- <name>…]`: builds the test bed's Go programs (all by default) into the
 * per-machine cache, showing `go build -v` progress, and prints where each one is. Cached binaries are
 * not rebuilt; a changed go.mod, go.sum or Go source in their module makes a new cache entry.
 */
import { BINARIES, cacheRoot, ensureBinary, MissingToolError } from './binaries.js';
import type { BinaryName } from './binaries.js';

async function main(): Promise<void> {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((name) => !(name in BINARIES));
  if (unknown.length > 0) throw new Error(`unknown program ${unknown.join(', ')}; known: ${Object.keys(BINARIES).join(', ')}`);
  const names = (asked.length > 0 ? asked : Object.keys(BINARIES)) as BinaryName[];
  process.stderr.write(`kube:build: cache ${cacheRoot()}\n`);
  const started = Date.now();
  for (const name of names) process.stdout.write(`${name}: ${await ensureBinary(BINARIES[name])}\n`);
  process.stderr.write(`kube:build: done in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`kube:build: ${(error as Error).message}\n`);
  process.exit(error instanceof MissingToolError ? 2 : 1);
});
