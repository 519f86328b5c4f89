/**
 * The import boundaries, as `npm run lint` enforces them: each case lints one line of source placed in a
 * folder of the repository (lintText with a filePath; no file is written) through eslint.config.js
 * itself, keeping only the boundary rule's answers, so a boundary dropped from the config fails here.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { resolve } from 'node:path';
import { ESLint } from 'eslint';

const RULE = 'house/import-boundaries';
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({
    cwd: resolve('.'),
    // The boundary rule needs no types: parse each line alone rather than through the TypeScript project.
    overrideConfig: { files: ['**/*.ts'], languageOptions: { parserOptions: { projectService: false } } },
    ruleFilter: ({ ruleId }) => ruleId === RULE,
  });
});

/** The boundary rule's messages for `source` placed at `file` (repository-relative). */
async function refusals(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${source}\n`, { filePath: resolve(file) });
  const messages = result?.messages ?? [];
  expect(messages.filter((m) => m.fatal)).toEqual([]);
  return messages.filter((m) => m.ruleId === RULE).map((m) => m.message);
}

describe('import boundaries: refused', () => {
  it.each([
    ['shared/', 'functions/', 'shared/core/probe.ts', "import { x } from '../../functions/admission/index.js';"],
    ['shared/', 'sources/', 'shared/kube/probe.ts', "import { x } from '../../sources/remote-source/index.js';"],
    ['shared/', 'local/', 'shared/api/probe.test.ts', "import { x } from '../../local/apiserver/index.js';"],
    ['functions/', 'local/', 'functions/admission/probe.ts', "import { x } from '../../local/apiserver/index.js';"],
    ['sources/', 'local/', 'sources/remote-source/probe.ts', "import { x } from '../../local/embedded/index.js';"],
    ['sources/', 'functions/', 'sources/remote-source/probe.ts', "import { x } from '../../functions/cleanup/index.js';"],
    ['local/pipeline-runner/', 'sources/', 'local/pipeline-runner/probe.ts', "import { x } from '../../sources/remote-source/index.js';"],
  ])('when a file in %s imports %s, then lint refuses it', async (from, to, file, source) => {
    expect(await refusals(file, source)).toEqual([expect.stringContaining(`${from} may not import ${to}`)]);
  });

  it.each([
    ['a sibling function', 'functions/admission/probe.ts', "import { x } from '../cleanup/index.js';"],
    ['a sibling function, from a subfolder', 'functions/resync/parts/probe.ts', "import { x } from '../../status-relay/decide.js';"],
    ['a sibling function, by the long way round', 'functions/admission/probe.ts', "import { x } from '../../functions/resync/index.js';"],
  ])('when a function imports %s, then lint refuses it', async (_what, file, source) => {
    expect(await refusals(file, source)).toEqual([expect.stringMatching(/^functions\/\w[\w-]*\/ may not import another member of its folder, functions\//)]);
  });

  it.each([
    ['test/', 'sources/remote-source/', 'test/sources/probe.test.ts', "import { x } from '../../sources/remote-source/config.js';"],
    ['local/embedded/', 'sources/remote-source/', 'local/embedded/probe.ts', "import { x } from '../../sources/remote-source/source.js';"],
    ['local/pipeline-runner/', 'shared/watch/', 'local/pipeline-runner/probe.ts', "import { x } from '../../shared/watch/list-watch.js';"],
    ['sources/remote-source/', 'shared/watch/', 'sources/remote-source/probe.ts', "import type { x } from '../../shared/watch/kube-reader.js';"],
  ])('when a file in %s imports a file inside %s other than its index.ts, then lint refuses it', async (_from, folder, file, source) => {
    expect(await refusals(file, source)).toEqual([expect.stringContaining(`outside ${folder}, import ${folder}index.ts`)]);
  });

  it.each([
    ['re-exports', "export * from '../../local/apiserver/index.js';"],
    ['re-exports by name', "export { x } from '../../functions/admission/index.js';"],
    ['loads dynamically', "export const load = () => import('../../sources/remote-source/index.js');"],
  ])('when shared/ %s from a forbidden folder, then lint refuses it as it refuses an import', async (_how, source) => {
    expect(await refusals('shared/core/probe.ts', source)).toHaveLength(1);
  });
});

describe('import boundaries: allowed', () => {
  it.each([
    ['functions/index.ts imports every function', 'functions/index.ts', "import './admission/index.js';\nimport './resync/index.js';"],
    ['a function imports its own files and the shared library', 'functions/admission/probe.ts', "import { x } from './decide.js';\nimport { y } from '../../shared/core/index.js';"],
    ['the embedded default imports the watcher through its index.ts', 'local/embedded/probe.ts', "import { x } from '../../sources/remote-source/index.js';"],
    ['the runner imports the watch machinery through its index.ts', 'local/pipeline-runner/probe.ts', "import { x } from '../../shared/watch/index.js';"],
    ['the watcher imports its own files and the watch machinery', 'sources/remote-source/probe.ts', "import { x } from './config.js';\nimport { y } from '../../shared/watch/index.js';"],
    ['the watch machinery imports its own files and the shared library', 'shared/watch/probe.ts', "import { x } from './list-watch.js';\nimport { y } from '../kube/errors.js';"],
    ['the shared library imports a package', 'shared/api/probe.ts', "import { z } from 'zod';"],
    ['a cross-part test imports any part', 'test/e2e/probe.test.ts', "import { x } from '../../local/embedded/index.js';\nimport { y } from '../../functions/admission/index.js';"],
  ])('when %s, then lint lets it through', async (_what, file, source) => {
    expect(await refusals(file, source)).toEqual([]);
  });
});
