/**
 * The image's bundles (functions/bundle.ts, `npm run bundle`), built into a temporary folder for a test or
 * the bench. The folder links the repository's node_modules, as the image's /app/node_modules sits beside
 * dist/bundles, so the package left outside the bundles (client-node) resolves as it does there.
 */
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bundle } from '../../functions/bundle.js';
import type { Bundle } from '../../functions/bundle.js';

export interface BuiltBundles {
  dir: string;
  bundles: Bundle[];
  /** The bundle file of `name` (a function's name, or `remote-source`). */
  file(name: string): string;
  remove(): Promise<void>;
}

export async function buildBundles(): Promise<BuiltBundles> {
  const dir = await mkdtemp(join(tmpdir(), 'bundles-'));
  const remove = (): Promise<void> => rm(dir, { recursive: true, force: true });
  try {
    await symlink(resolve('node_modules'), join(dir, 'node_modules'), 'dir');
    const out = join(dir, 'dist', 'bundles');
    const bundles = await bundle(out);
    return { dir, bundles, file: (name) => join(out, `${name}.mjs`), remove };
  } catch (err) {
    await remove();
    throw err;
  }
}
