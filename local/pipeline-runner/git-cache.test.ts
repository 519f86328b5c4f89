import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { GitCache, GitResolutionError } from './git-cache.js';
import { CATALOG_URL, createGitCatalog, UNREACHABLE_URL } from './testing.js';
import type { GitCatalog } from './testing.js';

let catalog: GitCatalog;
let cache: GitCache;
let first: string; // the commit with v1 of the file
let second: string; // main after the file changed

beforeAll(async () => {
  catalog = await createGitCatalog();
  first = await catalog.commit({ 'pipelines/internal/p/p.yaml': 'v1\n', 'tasks/t/t.yaml': 'task\n' });
  await catalog.git('tag', '--annotate', 'v1.0', '--message', 'first release');
  await catalog.git('tag', 'light');
  await catalog.git('checkout', '--quiet', '-b', 'feature');
  await catalog.commit({ 'pipelines/internal/p/p.yaml': 'feature\n' });
  await catalog.git('checkout', '--quiet', 'main');
  second = await catalog.commit({ 'pipelines/internal/p/p.yaml': 'v2\n' });
  cache = new GitCache({ dir: join(catalog.dir, 'cache'), env: catalog.env });
});
afterAll(async () => catalog.remove());

const read = (revision: string, pathInRepo = 'pipelines/internal/p/p.yaml', url = CATALOG_URL) => cache.readFile({ url, revision, pathInRepo });

describe('GitCache: files at a revision of a repository, through git and its insteadOf rules', () => {
  it.each([
    ['a branch', 'main', 'v2\n'],
    ['another branch', 'feature', 'feature\n'],
    ['an annotated tag', 'v1.0', 'v1\n'],
    ['a lightweight tag', 'light', 'v1\n'],
    ['a full ref name', 'refs/heads/feature', 'feature\n'],
  ])('when the revision is %s (%s), then the file is read as it is there', async (_what, revision, content) => {
    await expect(read(revision)).resolves.toBe(content);
  });

  it('when the revision is a commit id, full or abbreviated, then the file is read as it was in that commit', async () => {
    await expect(read(first)).resolves.toBe('v1\n');
    await expect(read(second.slice(0, 10))).resolves.toBe('v2\n');
  });

  it('when the path starts with a slash, then it is read from the repository root', async () => {
    await expect(read('main', '/tasks/t/t.yaml')).resolves.toBe('task\n');
  });

  it('when a branch moves, then the next read sees its new commit', async () => {
    await expect(read('main', 'tasks/t/t.yaml')).resolves.toBe('task\n');
    await catalog.commit({ 'tasks/t/t.yaml': 'task, moved on\n' });
    await expect(read('main', 'tasks/t/t.yaml')).resolves.toBe('task, moved on\n');
  });

  it('when many reads of one repository run at once, then each gets its file and the cache stays whole', async () => {
    const cacheDir = join(catalog.dir, 'concurrent-cache');
    const fresh = new GitCache({ dir: cacheDir, env: catalog.env });
    const revisions = ['main', 'feature', 'v1.0', first, 'main', 'feature', 'light', 'v1.0'];
    const contents = await Promise.all(revisions.map((revision) => fresh.readFile({ url: CATALOG_URL, revision, pathInRepo: 'pipelines/internal/p/p.yaml' })));
    expect(contents).toEqual(['v2\n', 'feature\n', 'v1\n', 'v1\n', 'v2\n', 'feature\n', 'v1\n', 'v1\n']);
    const repositories = await readdir(cacheDir);
    expect(repositories).toHaveLength(1);
    await catalog.git('--git-dir', join(cacheDir, repositories[0] ?? ''), 'fsck', '--strict', '--no-progress'); // rejects on any damage
  });

  it.each([
    { why: 'the URL cannot be fetched', url: UNREACHABLE_URL, revision: 'main', path: 'p.yaml', failure: 'url', message: /^git resolver: cannot fetch https:\/\/git\.example\.invalid\/nobody\/nothing\.git: '.*' does not appear to be a git repository$/ },
    { why: 'the branch does not exist', url: CATALOG_URL, revision: 'no-such-branch', path: 'p.yaml', failure: 'revision', message: /^git resolver: revision "no-such-branch" not found in https:\/\/github\.com\/konflux-ci\/release-service-catalog\.git$/ },
    { why: 'the commit does not exist', url: CATALOG_URL, revision: 'f'.repeat(40), path: 'p.yaml', failure: 'revision', message: /revision "f{40}" not found/ },
    { why: 'the revision could be read as an option', url: CATALOG_URL, revision: '--upload-pack=touch /tmp/x', path: 'p.yaml', failure: 'revision', message: /is not a branch, tag or commit name/ },
    { why: 'the revision is a refspec pattern', url: CATALOG_URL, revision: 'refs/heads/*', path: 'p.yaml', failure: 'revision', message: /is not a branch, tag or commit name/ },
    { why: 'the path does not exist', url: CATALOG_URL, revision: 'main', path: 'pipelines/internal/nope/nope.yaml', failure: 'path', message: /^git resolver: "pipelines\/internal\/nope\/nope\.yaml" does not exist at revision "main" \([0-9a-f]{40}\) of https:\/\/github\.com\/konflux-ci\/release-service-catalog\.git$/ },
    { why: 'the path is a folder', url: CATALOG_URL, revision: 'main', path: 'pipelines/internal', failure: 'path', message: /"pipelines\/internal" is not a file at revision "main"/ },
  ])('when $why, then the read fails saying which part failed ($failure)', async ({ url, revision, path, failure, message }) => {
    const error = await read(revision, path, url).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(GitResolutionError);
    expect(error).toMatchObject({ failure, message: expect.stringMatching(message) });
  });

  it('when the read is aborted, then it stops with the abort’s reason', async () => {
    const controller = new AbortController();
    controller.abort(new Error('cancelled'));
    await expect(cache.readFile({ url: CATALOG_URL, revision: 'main', pathInRepo: 'tasks/t/t.yaml' }, controller.signal)).rejects.toThrow('cancelled');
  });
});
