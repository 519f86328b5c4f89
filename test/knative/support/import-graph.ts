/**
 * The files and packages a TypeScript entry point loads at run time, found by following its
 * relative imports. Type-only imports are left out: tsc erases them.
 */
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, normalize } from 'node:path';

export interface ImportGraph {
  /** Repository-relative paths of the .ts files loaded. */
  files: string[];
  /** npm package names imported (node built-ins left out). */
  packages: string[];
}

const FROM = /^\s*(?:import|export)\s+(?!type\b)[^'";]*?\bfrom\s+['"]([^'"]+)['"]/gm;
const SIDE_EFFECT = /^\s*import\s+['"]([^'"]+)['"]/gm;
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

function specifiers(source: string): string[] {
  return [FROM, SIDE_EFFECT, DYNAMIC].flatMap((pattern) => [...source.matchAll(pattern)].map((m) => m[1] ?? ''));
}

function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0] ?? '')) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

export function importGraph(entry: string): ImportGraph {
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = [normalize(entry)];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (files.has(file)) continue;
    files.add(file);
    for (const specifier of specifiers(readFileSync(file, 'utf8'))) {
      if (specifier.startsWith('.')) pending.push(normalize(join(dirname(file), specifier.replace(/\.js$/, '.ts'))));
      else {
        const pkg = packageOf(specifier);
        if (pkg) packages.add(pkg);
      }
    }
  }
  return { files: [...files].sort(), packages: [...packages].sort() };
}
