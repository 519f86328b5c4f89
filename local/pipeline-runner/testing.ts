/**
 * Test support: a catalog-shaped git repository in a temp folder, which a git configuration of its own
 * (GIT_CONFIG_GLOBAL, never the user's) serves at the real catalog's URL through `insteadOf`.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const CATALOG_URL = 'https://github.com/konflux-ci/release-service-catalog.git';
/** Mapped to a folder that does not exist: fetching it fails at once, without asking the network. */
export const UNREACHABLE_URL = 'https://git.example.invalid/nobody/nothing.git';

export interface GitCatalog {
  /** Holds the repository, the git configuration and nothing else the test did not put there. */
  readonly dir: string;
  /** The environment for git commands: this configuration instead of the user's and the system's. */
  readonly env: NodeJS.ProcessEnv;
  /** Commits `files` (path → content) on the current branch; the new commit's id. */
  commit(files: Record<string, string>, message?: string): Promise<string>;
  git(...args: string[]): Promise<string>;
  remove(): Promise<void>;
}

export async function createGitCatalog(): Promise<GitCatalog> {
  const dir = await mkdtemp(join(tmpdir(), 'git-catalog-'));
  const repo = join(dir, 'catalog');
  const config = join(dir, 'gitconfig');
  const env = { GIT_CONFIG_GLOBAL: config, GIT_CONFIG_NOSYSTEM: '1' };
  const identity = { GIT_AUTHOR_NAME: 'Catalog', GIT_AUTHOR_EMAIL: 'catalog@example.invalid', GIT_COMMITTER_NAME: 'Catalog', GIT_COMMITTER_EMAIL: 'catalog@example.invalid' };
  const git = async (...args: string[]): Promise<string> => (await run('git', args, { cwd: repo, env: { ...process.env, ...env, ...identity } })).stdout;
  await writeFile(config, '');
  await mkdir(repo);
  await git('init', '--quiet', '--initial-branch=main');
  await git('config', '--global', `url.${repo}.insteadOf`, CATALOG_URL);
  await git('config', '--global', '--add', `url.${join(dir, 'missing')}/.insteadOf`, 'https://git.example.invalid/');
  return {
    dir,
    env,
    git,
    async commit(files, message = 'update') {
      for (const [path, content] of Object.entries(files)) {
        await mkdir(dirname(join(repo, path)), { recursive: true });
        await writeFile(join(repo, path), content);
      }
      await git('add', '--all');
      await git('commit', '--quiet', '--message', message);
      return (await git('rev-parse', 'HEAD')).trim();
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** A Task in the catalog's layout whose one step writes `Hello, <who>!` (or `greeting` instead of Hello) to result message. */
export function greetTask(greeting = 'Hello'): string {
  return `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: greet
spec:
  params:
    - name: who
  results:
    - name: message
  steps:
    - name: say
      image: registry.access.redhat.com/ubi9/ubi-minimal
      script: |
        printf '${greeting}, %s!' "$(params.who)" > "$(results.message.path)"
`;
}

/** A taskRef to the git resolver, as the catalog writes them: the Task comes from taskGitUrl at taskGitRevision. */
export function gitTaskRef(pathInRepo: string): string {
  return `resolver: git
params:
  - name: url
    value: $(params.taskGitUrl)
  - name: revision
    value: $(params.taskGitRevision)
  - name: pathInRepo
    value: ${pathInRepo}`;
}

export function clusterTaskRef(name: string, namespace: string): string {
  return `resolver: cluster
params:
  - name: kind
    value: task
  - name: name
    value: ${name}
  - name: namespace
    value: ${namespace}`;
}

/** An internal Pipeline in the catalog's layout, whose one task greets $(params.who) with the Task `taskRef` (YAML) names. */
export function greetPipeline(name: string, taskRef = gitTaskRef('tasks/greet/greet.yaml')): string {
  return `---
apiVersion: tekton.dev/v1
kind: Pipeline
metadata:
  name: ${name}
spec:
  params:
    - name: who
      type: string
    - name: taskGitUrl
      type: string
      default: ${CATALOG_URL}
    - name: taskGitRevision
      type: string
  tasks:
    - name: greet
      taskRef:
${taskRef.replace(/^/gm, '        ')}
      params:
        - name: who
          value: $(params.who)
  results:
    - name: message
      value: $(tasks.greet.results.message)
`;
}
