/**
 * An entry point compiled to JavaScript, as the image runs it (`node dist/…/main.js`): a measurement of
 * the process must not include tsx's loader. Each file of the entry's import graph is transpiled on its
 * own (the project compiles with isolatedModules), which takes a second where `npm run build` takes many.
 */
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';
import { importGraph } from '../../knative/support/import-graph.js';

export interface CompiledEntry {
  /** The compiled entry point, to run with `node`. */
  main: string;
  remove(): Promise<void>;
}

export async function compileEntry(entry: string): Promise<CompiledEntry> {
  const dir = await mkdtemp(join(tmpdir(), 'compiled-entry-'));
  // Packages resolve from the repository's node_modules; package.json makes the .js files ES modules.
  await symlink(resolve('node_modules'), join(dir, 'node_modules'), 'dir');
  await writeFile(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  const compilerOptions: ts.CompilerOptions = { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, verbatimModuleSyntax: true };
  for (const file of importGraph(entry).files) {
    const { outputText } = ts.transpileModule(await readFile(file, 'utf8'), { compilerOptions, fileName: file });
    const out = join(dir, file.replace(/\.ts$/, '.js'));
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, outputText);
  }
  return { main: join(dir, entry.replace(/\.ts$/, '.js')), remove: () => rm(dir, { recursive: true, force: true }) };
}
