import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { BUNDLE_DIR, WATCHER_BUNDLE, bundleEntries } from '../../functions/bundle.js';
import { isIgnored, parseDockerfile, readDockerfile } from './support/dockerfile.js';
import type { Stage } from './support/dockerfile.js';
import { importGraph } from './support/import-graph.js';

const stages = readDockerfile();
const dockerignore = readFileSync('.dockerignore', 'utf8');
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string }; dependencies: Record<string, string> };
const entries = bundleEntries();

const build = stages[0] as Stage;
const runtime = stages.at(-1) as Stage;
const args = (stage: Stage, keyword: string): string[] => stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);
const entrypoint = (): string[] => JSON.parse(args(runtime, 'ENTRYPOINT')[0] ?? '[]') as string[];
/** What the runtime stage copies from the build stage, e.g. `dist/bundles`. */
const copiedFromBuild = (): string[] => args(runtime, 'COPY').filter((a) => a.startsWith('--from=')).map((a) => a.split(/\s+/)[1] ?? '');
/** Folders the build stage copies into its context before it bundles, e.g. `shared`. */
const copiedSources = (): string[] => args(build, 'COPY').flatMap((a) => a.split(/\s+/).slice(0, -1));

describe('Dockerfile: one small image for the functions and the remote watcher', () => {
  it('when the image is built, then a build stage bundles with npm ci && npm run bundle, and the image takes only the bundles from it', () => {
    expect(stages).toHaveLength(2);
    expect(build.name).toBe('build');
    expect(args(build, 'RUN')).toEqual(expect.arrayContaining([expect.stringMatching(/^npm ci\b/), 'npm run bundle']));
    expect(copiedFromBuild()).toEqual([`/app/${BUNDLE_DIR}`]);
  });

  it('when the image runs, then only production dependencies are installed', () => {
    expect(args(runtime, 'RUN').join(' ')).toMatch(/npm ci --omit=dev/);
    expect(args(runtime, 'ENV')).toContain('NODE_ENV=production');
  });

  it('when the image runs, then as a numeric non-root user, so runAsNonRoot can check it', () => {
    const [user] = args(runtime, 'USER');
    expect(user).toMatch(/^[1-9]\d*(:\d+)?$/);
  });

  it('when a workload starts, then node runs the bundle its manifest names (knative/: test/knative/workloads.test.ts)', () => {
    expect(entrypoint()).toEqual(['node']);
    expect(Object.keys(entries)).toEqual(expect.arrayContaining(['admission', 'pipelinerun-creator', 'status-relay', 'cleanup', 'resync', WATCHER_BUNDLE]));
  });

  it('when both stages pick a Node.js image, then it is the major version package.json requires', () => {
    const major = /(\d+)/.exec(pkg.engines.node)?.[1];
    for (const stage of stages) expect(stage.from).toMatch(new RegExp(`^node:${major}(\\D|$)`));
  });

  it('when the build stage copies sources, then each exists and .dockerignore lets it into the context', () => {
    const copied = args(build, 'COPY').flatMap((a) => a.split(/\s+/).slice(0, -1));
    for (const path of copied) {
      expect(existsSync(path)).toBe(true);
      expect(isIgnored(dockerignore, path)).toBe(false);
    }
  });

  it.each(Object.entries(entries))('when the bundle %s is built in the image, then every file of %s was copied into the build stage', (_name, entry) => {
    const { files } = importGraph(entry);
    const missing = files.filter((file) => !copiedSources().some((dir) => file.startsWith(`${dir}/`)) || isIgnored(dockerignore, file));
    expect(missing).toEqual([]);
    expect(files.length).toBeGreaterThan(1);
  });

  it.each(Object.values(entries))('when %s runs in the image, then every package it imports is a production dependency', (entry) => {
    const devOnly = importGraph(entry).packages.filter((name) => !(name in pkg.dependencies));
    expect(devOnly).toEqual([]);
  });
});

describe('the static checks themselves', () => {
  it('when a .dockerignore excludes everything and re-includes a folder, then only that folder passes', () => {
    const rules = '*\n!shared/\n**/*.test.ts\n';
    expect(isIgnored(rules, 'shared/api/x.ts')).toBe(false);
    expect(isIgnored(rules, 'shared/api/x.test.ts')).toBe(true);
    expect(isIgnored(rules, 'local/main.ts')).toBe(true);
  });

  it('when a Dockerfile has continuation lines and comments, then stages and instructions come out whole', () => {
    const parsed = parseDockerfile('# c\nFROM a AS one\nRUN x \\\n  y\nFROM b\nUSER 1\n');
    expect(parsed).toEqual([
      { from: 'a', name: 'one', instructions: [{ keyword: 'RUN', args: 'x y' }] },
      { from: 'b', name: undefined, instructions: [{ keyword: 'USER', args: '1' }] },
    ]);
  });

  it('when a file imports a dev dependency, then the import graph names the package', () => {
    expect(importGraph('test/knative/support/manifest-schemas.ts').files).toContain('local/apiserver/schema/index.ts');
    expect(importGraph('test/knative/support/render.ts').packages).toEqual(['yaml']);
  });
});
