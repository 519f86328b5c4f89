/**
 * Files from git repositories at a revision, for the git resolver, through the system's `git`: each
 * repository is fetched into a bare repository of its own under the cache folder, and read from there.
 * Standard git configuration applies, so `url.<mirror>.insteadOf <url>` serves a URL from a local mirror.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { access, mkdir } from 'node:fs/promises';
import { join } from 'node:path';

/** What Tekton's git resolver reads: a file (`pathInRepo`) at a commit, branch or tag of the repository at `url`. */
export interface GitFileRef {
  url: string;
  revision: string;
  pathInRepo: string;
}

/** Which part of a GitFileRef could not be followed. */
export type GitFailure = 'url' | 'revision' | 'path';

export class GitResolutionError extends Error {
  override name = 'GitResolutionError';
  constructor(
    readonly failure: GitFailure,
    message: string,
  ) {
    super(message);
  }
}

export interface GitCacheOptions {
  /** The cache folder, or a function that creates it when it is first needed. */
  dir: string | (() => Promise<string>);
  /** Added to the environment of every git command (e.g. GIT_CONFIG_GLOBAL). */
  env?: NodeJS.ProcessEnv;
  /** How long one git command may take; default 5 minutes. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 5 * 60_000;
const MAX_FILE_BYTES = 64 * 1024 * 1024;
const FULL_COMMIT = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i;
const ABBREVIATED_COMMIT = /^[0-9a-f]{7,63}$/i;
/** Branch and tag names, refs/… names and commit ids; nothing git could read as an option or a refspec pattern. */
const REVISION = /^[\w@,=+-][\w./@,=+-]*$/;
/** What a fetch of every branch and tag stores, so that commits they reach can be found by id. */
const ALL_BRANCHES_AND_TAGS = ['+refs/heads/*:refs/mirror/heads/*', '+refs/tags/*:refs/mirror/tags/*'];

class GitCommandError extends Error {
  override name = 'GitCommandError';
}

export class GitCache {
  private readonly queues = new Map<string, Promise<unknown>>(); // repository → its last queued work
  private root: Promise<string> | undefined;

  constructor(private readonly options: GitCacheOptions) {}

  /** The file's content; throws GitResolutionError saying whether the URL, the revision or the path failed. */
  readFile(ref: GitFileRef, signal?: AbortSignal): Promise<string> {
    const key = createHash('sha256').update(ref.url).digest('hex').slice(0, 32);
    return this.serialised(key, async () => {
      const repo = await this.repository(key);
      const commit = await this.commitOf(repo, ref, signal);
      return this.fileAt(repo, commit, ref, signal);
    });
  }

  /** One git operation at a time per repository: two fetches into one repository could trip over each other's locks. */
  private serialised<T>(key: string, work: () => Promise<T>): Promise<T> {
    const result = (this.queues.get(key) ?? Promise.resolve()).then(work);
    const settled = result.catch(() => undefined);
    this.queues.set(key, settled);
    void settled.then(() => {
      if (this.queues.get(key) === settled) this.queues.delete(key);
    });
    return result;
  }

  private async repository(key: string): Promise<string> {
    const { dir } = this.options;
    this.root ??= typeof dir === 'string' ? mkdir(dir, { recursive: true }).then(() => dir) : dir();
    const repo = join(await this.root, `${key}.git`);
    const exists = await access(join(repo, 'HEAD')).then(
      () => true,
      () => false,
    );
    if (!exists) await this.git(['init', '--quiet', '--bare', repo]);
    return repo;
  }

  /** The commit `ref.revision` names in the remote repository, fetched into the cache. */
  private async commitOf(repo: string, ref: GitFileRef, signal?: AbortSignal): Promise<string> {
    const { url, revision } = ref;
    if (url.startsWith('-')) throw new GitResolutionError('url', `git resolver: cannot fetch ${url}: not a repository URL`);
    if (!REVISION.test(revision) || revision.includes('..') || revision.endsWith('.lock')) {
      throw new GitResolutionError('revision', `git resolver: revision ${JSON.stringify(revision)} is not a branch, tag or commit name`);
    }
    if (FULL_COMMIT.test(revision) && (await this.commitIn(repo, revision))) return revision; // commits never change
    const stored = `refs/resolved/${createHash('sha256').update(revision).digest('hex').slice(0, 32)}`;
    try {
      await this.git(['-C', repo, 'fetch', '--quiet', '--no-tags', '--', url, `+${revision}:${stored}`], signal);
      const commit = await this.commitIn(repo, stored);
      if (commit) return commit;
    } catch (err) {
      if (!(err instanceof GitCommandError)) throw err;
      await this.reachable(repo, url, signal);
    }
    return this.commitAmongBranchesAndTags(repo, ref, signal);
  }

  /**
   * A commit id that could not be fetched by name: servers that refuse ids nobody advertises still send
   * every branch and tag, and an abbreviated id is found among what they reach.
   */
  private async commitAmongBranchesAndTags(repo: string, { url, revision }: GitFileRef, signal?: AbortSignal): Promise<string> {
    if (ABBREVIATED_COMMIT.test(revision)) {
      await this.git(['-C', repo, 'fetch', '--quiet', '--no-tags', '--', url, ...ALL_BRANCHES_AND_TAGS], signal).catch((err: unknown) => {
        if (!(err instanceof GitCommandError)) throw err;
      });
      const commit = await this.commitIn(repo, revision);
      if (commit) return commit;
    }
    throw new GitResolutionError('revision', `git resolver: revision ${JSON.stringify(revision)} not found in ${url}`);
  }

  /** Throws the URL's failure when the remote repository cannot be reached at all. */
  private async reachable(repo: string, url: string, signal?: AbortSignal): Promise<void> {
    try {
      await this.git(['-C', repo, 'ls-remote', '--', url, 'HEAD'], signal);
    } catch (err) {
      if (!(err instanceof GitCommandError)) throw err;
      throw new GitResolutionError('url', `git resolver: cannot fetch ${url}: ${err.message}`);
    }
  }

  private async commitIn(repo: string, revision: string): Promise<string | undefined> {
    try {
      return (await this.git(['-C', repo, 'rev-parse', '--verify', '--quiet', '--end-of-options', `${revision}^{commit}`])).trim();
    } catch (err) {
      if (err instanceof GitCommandError) return undefined;
      throw err;
    }
  }

  private async fileAt(repo: string, commit: string, { url, revision, pathInRepo }: GitFileRef, signal?: AbortSignal): Promise<string> {
    const path = pathInRepo.replace(/^(?:\.?\/)+/, '');
    const object = `${commit}:${path}`;
    const notFound = (why: string): GitResolutionError =>
      new GitResolutionError('path', `git resolver: ${JSON.stringify(pathInRepo)} ${why} at revision ${JSON.stringify(revision)} (${commit}) of ${url}`);
    let type: string;
    try {
      type = (await this.git(['-C', repo, 'cat-file', '-t', '--end-of-options', object], signal)).trim();
    } catch (err) {
      if (err instanceof GitCommandError) throw notFound('does not exist');
      throw err;
    }
    if (type !== 'blob' || path === '') throw notFound('is not a file');
    return this.git(['-C', repo, 'cat-file', 'blob', '--end-of-options', object], signal);
  }

  /** Runs git without a shell; its stdout, or GitCommandError with the last thing it printed on stderr. */
  private git(args: string[], signal?: AbortSignal): Promise<string> {
    // No prompts: a private or missing https repository must fail, not wait for a password.
    const env = { ...process.env, ...this.options.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' };
    const timeout = this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    return new Promise((resolve, reject) => {
      execFile('git', args, { env, timeout, signal, maxBuffer: MAX_FILE_BYTES, encoding: 'utf8' }, (err, stdout, stderr) => {
        if (!err) return resolve(stdout);
        if (signal?.aborted) return reject(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
        const spawnFailed = typeof err.code === 'string'; // ENOENT and friends: git itself could not run
        if (spawnFailed) return reject(new Error(`git could not be run: ${err.message}`));
        const said = firstComplaint(stderr);
        reject(new GitCommandError(err.killed ? `git did not finish within ${timeout / 1000} s` : (said ?? err.message)));
      });
    });
  }
}

/** Git's first `fatal:` or `error:` line (what went wrong; the lines after it are advice), else its last line. */
function firstComplaint(stderr: string): string | undefined {
  const lines = stderr.split('\n').map((line) => line.trim()).filter(Boolean);
  const complaint = lines.find((line) => /^(fatal|error): /.test(line));
  return complaint?.replace(/^(fatal|error): /, '') ?? lines.at(-1);
}
