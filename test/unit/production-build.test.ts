/**
 * What `npm run build` compiles (tsconfig.build.json), read from the TypeScript program it builds without
 * emitting or type-checking it: every file it would write to dist/, and nothing that only tests use.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import ts from 'typescript';

/** Imports only a test uses: a module that makes them is test code, whatever its name. */
const TEST_LIBRARIES = /^\s*import\s[^;]*?\bfrom\s+['"](@jest\/globals|jest|supertest)['"]/m;

/** Why a repository file is test-only, or undefined when it is not. */
function testOnly(file: string, text: string): string | undefined {
  if (file.startsWith('test/')) return 'it lives in test/';
  if (file.endsWith('.test.ts')) return 'it is a test';
  if (/(^|\/)testing\.ts$/.test(file)) return 'it is a test helper entry (testing.ts)';
  return TEST_LIBRARIES.test(text) ? 'it imports a test library' : undefined;
}

/** The repository-relative source files the build compiles into dist/. */
function builtFiles(configFile: string): string[] {
  const parsed = ts.getParsedCommandLineOfConfigFile(resolve(configFile), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); } });
  if (!parsed) throw new Error(`${configFile} could not be read`);
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
  return program
    .getSourceFiles()
    .filter((source) => !source.isDeclarationFile && !program.isSourceFileFromExternalLibrary(source))
    .map((source) => relative(resolve('.'), source.fileName).split('\\').join('/'))
    .sort();
}

let built: string[];
beforeAll(() => {
  built = builtFiles('tsconfig.build.json');
});

describe('the production build', () => {
  it('when the build compiles, then no test-only module is among its files', () => {
    const testModules = built.map((file) => ({ file, why: testOnly(file, readFileSync(file, 'utf8')) })).filter((m) => m.why !== undefined);
    expect(testModules).toEqual([]);
  });

  it('when the build compiles, then the entry points the image and npm start run are among its files', () => {
    expect(built).toEqual(expect.arrayContaining(['functions/index.ts', 'sources/remote-source/main.ts', 'shared/watch/index.ts', 'local/main.ts']));
  });
});

describe('what counts as test-only', () => {
  it.each([
    { file: 'shared/api/testing.ts', text: '', why: 'it is a test helper entry (testing.ts)' },
    { file: 'shared/watch/backoff.test.ts', text: '', why: 'it is a test' },
    { file: 'test/support/until.ts', text: '', why: 'it lives in test/' },
    { file: 'shared/core/builders.ts', text: "import { expect } from '@jest/globals';", why: 'it imports a test library' },
    { file: 'shared/http/probe.ts', text: "import request from 'supertest';", why: 'it imports a test library' },
  ])('when $file is in the build, then it is refused: $why', ({ file, text, why }) => {
    expect(testOnly(file, text)).toBe(why);
  });

  it('when a production module is in the build, then it passes', () => {
    expect(testOnly('shared/watch/list-watch.ts', readFileSync('shared/watch/list-watch.ts', 'utf8'))).toBeUndefined();
  });
});
