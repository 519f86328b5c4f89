/**
 * The real Kubernetes, Knative and Tekton programs of the test bed, built from Go modules with the
 * ordinary `go` command into a per-machine cache outside the repository. Each Go module under
 * test/kube/ pins its own dependency graph (go.mod and go.sum), so the cache key of a binary is a hash
 * of its module's files: change a pin or a source file and the next run rebuilds it.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

const KUBE_DIR = resolve(import.meta.dirname);

export interface GoBinary {
  /** The executable's file name in the cache. */
  name: string;
  /** The Go module (a folder under test/kube/) whose go.mod pins what it is built from. */
  module: string;
  /** The package to build, by import path. */
  pkg: string;
  /** Linker flags, e.g. the version a Kubernetes binary reports (derived from go.mod, so the cache key covers them). */
  ldflags?: () => string;
}

/** The version go.mod requires of `path` in `module`. */
export function requiredVersion(module: string, path: string): string {
  const goMod = readFileSync(join(KUBE_DIR, module, 'go.mod'), 'utf8');
  const found = new RegExp(`^\\s*${path.replaceAll('.', '\\.')}\\s+(v\\S+)`, 'm').exec(goMod)?.[1];
  if (!found) throw new Error(`test/kube/${module}/go.mod requires no ${path}`);
  return found;
}

/** What `make` stamps into Kubernetes binaries: without it /version says v0.0.0-master, and kubectl's version skew checks see nonsense. */
function kubernetesVersion(): string {
  const version = requiredVersion('controlplane', 'k8s.io/kubernetes');
  const [major, minor] = version.slice(1).split('.');
  const pkg = 'k8s.io/component-base/version';
  return [`-X ${pkg}.gitVersion=${version}`, `-X ${pkg}.gitMajor=${major}`, `-X ${pkg}.gitMinor=${minor}`, `-X ${pkg}.gitTreeState=clean`].join(' ');
}

export const BINARIES = {
  etcd: { name: 'etcd', module: 'controlplane', pkg: 'go.etcd.io/etcd/server/v3' },
  kubeApiserver: { name: 'kube-apiserver', module: 'controlplane', pkg: 'k8s.io/kubernetes/cmd/kube-apiserver', ldflags: kubernetesVersion },
  apiserverReceiveAdapter: { name: 'apiserver_receive_adapter', module: 'knative', pkg: 'knative.dev/eventing/cmd/apiserver_receive_adapter' },
  knativeValidate: { name: 'knative-validate', module: 'knative', pkg: './validate' },
  tektonValidate: { name: 'tekton-validate', module: 'tekton', pkg: './validate' },
} as const satisfies Record<string, GoBinary>;

export type BinaryName = keyof typeof BINARIES;

export class MissingToolError extends Error {
  override name = 'MissingToolError';
}

/** `$XDG_CACHE_HOME/internal-services/kube` (default `~/.cache/…`); INTERNAL_SERVICES_KUBE_CACHE overrides it. */
export function cacheRoot(): string {
  const override = process.env.INTERNAL_SERVICES_KUBE_CACHE;
  if (override) return resolve(override);
  return join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'internal-services', 'kube');
}

function moduleFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return moduleFiles(path);
    return /\.go$|^go\.(mod|sum)$/.test(entry.name) ? [path] : [];
  }).sort();
}

/** A short hash of everything that decides the module's build: its go.mod, go.sum and Go sources. */
export function moduleKey(module: string): string {
  const hash = createHash('sha256');
  const dir = join(KUBE_DIR, module);
  for (const file of moduleFiles(dir)) hash.update(file.slice(dir.length)).update('\0').update(readFileSync(file));
  return hash.digest('hex').slice(0, 12);
}

/** Where the binary is (or will be) cached: `<cache>/<module>-<key>/<name>`, the key covering its module and build flags. */
export function binaryPath(binary: GoBinary): string {
  const flags = binary.ldflags?.() ?? '';
  const key = flags === '' ? moduleKey(binary.module) : createHash('sha256').update(moduleKey(binary.module)).update(flags).digest('hex').slice(0, 12);
  return join(cacheRoot(), `${binary.module}-${key}`, binary.name);
}

export function isBuilt(binary: GoBinary): boolean {
  const path = binaryPath(binary);
  return existsSync(path) && statSync(path).isFile();
}

/** The `go` command to use (GO overrides it), or a MissingToolError that says what to install. */
export function goCommand(): string {
  const go = process.env.GO ?? 'go';
  const found = (process.env.PATH ?? '').split(':').some((dir) => existsSync(join(dir, go))) || existsSync(go);
  if (!found) {
    throw new MissingToolError(
      'the Go toolchain (`go`, 1.25 or later, with access to the Go module proxy) is not on the PATH: '
      + 'install it to build the real kube-apiserver, etcd, Knative and Tekton programs of the test bed',
    );
  }
  return go;
}

export interface BuildOptions {
  /** Where `go build -v` progress goes (default: this process's stderr). */
  progress?: NodeJS.WritableStream;
}

/**
 * Builds the binary unless it is cached. Writes to a temporary name first, so an interrupted build
 * never leaves a half-written executable under the final name.
 */
export async function ensureBinary(binary: GoBinary, options: BuildOptions = {}): Promise<string> {
  const path = binaryPath(binary);
  if (isBuilt(binary)) return path;
  const go = goCommand();
  const progress = options.progress ?? process.stderr;
  mkdirSync(join(path, '..'), { recursive: true });
  const partial = `${path}.partial-${process.pid}`;
  progress.write(`kube: building ${binary.name} (${binary.pkg}) into ${path}\n`);
  const started = Date.now();
  await new Promise<void>((done, fail) => {
    const ldflags = binary.ldflags ? ['-ldflags', binary.ldflags()] : [];
    const child = spawn(go, ['build', '-v', '-trimpath', ...ldflags, '-o', partial, binary.pkg], {
      cwd: join(KUBE_DIR, binary.module),
      env: { ...process.env, GOFLAGS: '-mod=readonly', CGO_ENABLED: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.pipe(progress, { end: false });
    child.stderr.pipe(progress, { end: false });
    child.once('error', fail);
    child.once('exit', (code) => (code === 0 ? done() : fail(new Error(`go build ${binary.pkg} exited with ${code}`))));
  });
  renameSync(partial, path);
  progress.write(`kube: built ${binary.name} in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  return path;
}

/** Builds the binaries one after the other (a build already uses every core). */
export async function ensureBinaries(names: BinaryName[], options: BuildOptions = {}): Promise<Record<BinaryName, string>> {
  const paths = {} as Record<BinaryName, string>;
  for (const name of names) paths[name] = await ensureBinary(BINARIES[name], options);
  return paths;
}
