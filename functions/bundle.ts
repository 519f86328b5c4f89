/**
 * `npm run bundle [outdir]`: what the image runs, one esbuild bundle per process, in dist/bundles by
 * default (docs/performance.md, "Cold start"; docs/adr/0015):
 *
 *   - `<function>.mjs` for each function (functions/<name>/index.ts, which registers that function alone):
 *     functions-framework's command line with that one function in it. The code is `<function>.bundle.cjs`
 *     (with its source map); `<function>.mjs` runs it through V8 with `<function>.bundle.cjs.cache`, a code
 *     cache made here by loading the bundle once and serving one event against a cluster that refuses
 *     (warmUp), so a cold start deserializes compiled code instead of compiling two megabytes of
 *     JavaScript. A cache is only accepted by a node with the same V8 and flags: it is made with
 *     FUNCTION_NODE_FLAGS, which the Knative Services pass too; a rejected or missing cache costs time,
 *     never correctness.
 *   - `remote-source.mjs` for the remote watcher, an ES module bundle (within its budget without a cache).
 *
 * It lives here, beside the functions it packages, because it is production build tooling: the Dockerfile
 * runs it, and test/knative/bundles.test.ts builds the same bundles and serves each function from its own.
 * A bundle is one file to read instead of hundreds of modules to resolve (functions-framework's express
 * alone is ~200), and holds only the code its process can reach. One package stays outside, resolved from
 * the image's node_modules at run time: @kubernetes/client-node, imported only when a kubeconfig needs it
 * (exec plugins, auth providers, proxies): bundled, its megabytes would be compiled on every cold start.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isBuiltin } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import type { Metafile, Plugin } from 'esbuild';

/** Where the image's bundles go (the Dockerfile copies this folder). */
export const BUNDLE_DIR = 'dist/bundles';

/** Packages loaded from node_modules at run time, not bundled (see above). */
export const EXTERNAL_PACKAGES = ['@kubernetes/client-node'];

/** The remote watcher's bundle: `node dist/bundles/remote-source.mjs`. */
export const WATCHER_BUNDLE = 'remote-source';

/**
 * The flags `node` runs a function with (knative/private/functions.yaml): the heap V8 picks by itself under
 * the functions' 256Mi memory limit (test/bench/pod-heap.ts), stated, because V8 accepts a code cache only
 * in a process with the flags it was made with.
 */
export const FUNCTION_NODE_FLAGS = ['--max-old-space-size=256', '--max-semi-space-size=1'];

/** Set to `write` the launcher makes the code cache and exits; `check` prints whether it is used (accepted, rejected, missing). */
export const CODE_CACHE_ENV = 'BUNDLE_CODE_CACHE';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FRAMEWORK = './node_modules/@google-cloud/functions-framework/build/src';

/** Bundle name → entry point (repository-relative): one per function folder, and the remote watcher. */
export function bundleEntries(root = ROOT): Record<string, string> {
  const functions = readdirSync(join(root, 'functions'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, 'functions', d.name, 'index.ts')))
    .map((d) => d.name)
    .sort();
  return {
    ...Object.fromEntries(functions.map((name) => [name, `functions/${name}/index.ts`])),
    [WATCHER_BUNDLE]: 'sources/remote-source/main.ts',
  };
}

export interface Bundle {
  name: string;
  /** What `node` runs (absolute path): a function's launcher, or the watcher's bundle. */
  file: string;
  /** The file that holds the bundled code (a function's `.bundle.cjs`; the watcher's bundle itself). */
  code: string;
  /** The code cache beside it, for a function. */
  codeCache?: string;
  /** The repository files and package files it holds, repository-relative (node_modules/… for packages). */
  inputs: string[];
  bytes: number;
  /** Packages (not node built-ins) it loads when it starts, rather than on demand (`import()`). */
  loadedPackages: string[];
}

const ENTRY_NAMESPACE = 'function-bundle';

/**
 * The code of a function's bundle: the function's module, which registers it with functions-framework,
 * and `main`, which does what the framework's own main.js does (parse the flags, serve the target on the
 * port) except loading the function from `--source`: it is in this bundle already. The framework's files
 * are named by path because its package.json exports none of them.
 */
function functionEntry(entry: string): string {
  return `const fn = require('./${entry}');
const { request } = require('node:http');
const { parseOptions, helpText, OptionsError } = require('${FRAMEWORK}/options.js');
const { getRegisteredFunction } = require('${FRAMEWORK}/function_registry.js');
const { getServer } = require('${FRAMEWORK}/server.js');
const { ErrorHandler } = require('${FRAMEWORK}/invoker.js');
const { loggingHandlerAddExecutionContext } = require('${FRAMEWORK}/logger.js');

function registeredFunction(target) {
  const registered = getRegisteredFunction(target);
  if (registered !== undefined) return registered;
  console.error(\`Function '\${target}' is not in this bundle (${entry}).\\nCould not load the function, shutting down.\`);
  process.exit(1);
}

module.exports.main = function main() {
  try {
    const options = parseOptions();
    if (options.printHelp) return void console.error(helpText);
    if (options.enableExecutionId) loggingHandlerAddExecutionContext();
    const registered = registeredFunction(options.target);
    options.signatureType = registered.signatureType;
    const server = getServer(registered.userFunction, options);
    const errorHandler = new ErrorHandler(server);
    server
      .listen(options.port, () => {
        errorHandler.register();
        if (process.env.NODE_ENV !== 'production') {
          console.log('Serving function...');
          console.log(\`Function: \${options.target}\`);
          console.log(\`Signature type: \${registered.signatureType}\`);
          console.log(\`URL: http://localhost:\${options.port}/\`);
        }
      })
      .setTimeout(0); // as functions-framework: no automatic timeout on incoming connections
  } catch (err) {
    if (!(err instanceof OptionsError)) throw err;
    console.error(err.message);
    process.exit(1);
  }
};

/**
 * For the code cache only: one event of a type the function consumes, about an object that is not there,
 * through the whole path (framework, parsing, the handler, its first API call to a cluster that refuses,
 * the answer), so that the cache holds that code compiled too.
 */
module.exports.warmUp = async function warmUp() {
  const options = parseOptions(['node', 'bundle', \`--target=\${fn.descriptor.name}\`, '--port=0', '--timeout=25'], {});
  const server = getServer(registeredFunction(options.target).userFunction, options);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const ref = { namespace: 'warm-up', name: 'warm-up', uid: '00000000-0000-4000-8000-000000000000', resourceVersion: '1' };
  const body = JSON.stringify({ ...ref, metadata: ref, pipelineRun: 'warm-up/warm-up' });
  const consumed = fn.descriptor.consumes[0];
  const headers = { 'ce-specversion': '1.0', 'ce-id': 'warm-up', 'ce-source': '/warm-up', 'ce-type': consumed.type, 'content-type': 'application/json' };
  if (consumed.kind !== undefined) headers['ce-kind'] = consumed.kind;
  await new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.address().port, method: 'POST', headers }, (res) => res.resume().on('end', resolve));
    req.on('error', reject);
    req.end(body);
  });
  server.close();
};
`;
}

/**
 * `<function>.mjs`: runs `<function>.bundle.cjs` as a CommonJS module, compiled through node:vm with its
 * code cache (node loads a main module's code without one), then serves.
 */
function launcher(name: string): string {
  return `// Generated by functions/bundle.ts: runs ${name}.bundle.cjs with its V8 code cache, then serves (docs/adr/0015).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

const file = fileURLToPath(new URL('./${name}.bundle.cjs', import.meta.url));
const mode = process.env.${CODE_CACHE_ENV};
let cachedData;
if (mode !== 'write') {
  try {
    cachedData = readFileSync(\`\${file}.cache\`);
  } catch {
    // no cache: compiled as usual
  }
}
const script = new Script(\`(function (exports, require, module, __filename, __dirname) {\${readFileSync(file, 'utf8')}\\n})\`, { filename: file, cachedData });
if (mode === 'check') {
  console.log(cachedData === undefined ? 'missing' : script.cachedDataRejected ? 'rejected' : 'accepted');
  process.exit(0);
}
const module = { exports: {} };
script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
if (mode === 'write') {
  await module.exports.warmUp();
  writeFileSync(\`\${file}.cache\`, script.createCachedData());
  process.exit(0);
}
module.exports.main();
`;
}

const functionEntries: Plugin = {
  name: 'function-entries',
  setup(b) {
    b.onResolve({ filter: new RegExp(`^${ENTRY_NAMESPACE}:`) }, (args) => ({ path: args.path.slice(ENTRY_NAMESPACE.length + 1), namespace: ENTRY_NAMESPACE }));
    b.onLoad({ filter: /.*/, namespace: ENTRY_NAMESPACE }, (args) => ({ contents: functionEntry(args.path), resolveDir: ROOT, loader: 'js' }));
  },
};

/** What every build shares: one file per entry, tree-shaken, with source maps, for the image's Node. */
const COMMON = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, minify: false, treeShaking: true, external: EXTERNAL_PACKAGES, metafile: true, logLevel: 'warning' } as const;

/**
 * CommonJS packages bundled into an ES module still call `require` (for node built-ins): an ES module has
 * none, so the watcher's bundle makes its own.
 */
const REQUIRE_BANNER = "import { createRequire as __bundleCreateRequire } from 'node:module';\nconst require = __bundleCreateRequire(import.meta.url);";

function describeOutputs(metafile: Metafile, root: string): Array<Omit<Bundle, 'name' | 'file'>> {
  return Object.entries(metafile.outputs)
    .filter(([file]) => !file.endsWith('.map'))
    .map(([file, output]) => ({
      code: resolve(root, file),
      inputs: Object.keys(output.inputs),
      bytes: output.bytes,
      loadedPackages: output.imports.filter((i) => i.external && (i.kind === 'import-statement' || i.kind === 'require-call') && !isBuiltin(i.path)).map((i) => i.path),
    }));
}

/** A loopback port where nothing listens (discard): the warm-up's API calls are refused at once. */
const UNREACHABLE = 'http://127.0.0.1:9';

const UNREACHABLE_KUBECONFIG = `apiVersion: v1
kind: Config
clusters: [{ name: none, cluster: { server: '${UNREACHABLE}', insecure-skip-tls-verify: true } }]
users: [{ name: none, user: { token: none } }]
contexts: [{ name: none, context: { cluster: none, user: none } }]
current-context: none
`;

/**
 * Loads the bundle once as a pod would (same node, same flags), serves one event against a cluster that
 * refuses (warmUp), and keeps V8's compiled code of all that.
 */
function writeCodeCache(launcherFile: string, kubeconfig: string): void {
  const env = { PATH: process.env.PATH ?? '', [CODE_CACHE_ENV]: 'write', NODE_ENV: 'production', LOG_LEVEL: 'silent', REMOTE_KUBECONFIG: kubeconfig, KUBECONFIG: kubeconfig, SERVICE_NAMESPACE: 'warm-up', PIPELINE_RUN_NAMESPACE: 'warm-up', K_SINK: UNREACHABLE };
  const run = spawnSync(process.execPath, [...FUNCTION_NODE_FLAGS, launcherFile], { env, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`making the code cache of ${launcherFile} failed (${run.status}): ${run.stderr}`);
}

/** Builds every bundle into `outdir` (relative to the repository, or absolute). */
export async function bundle(outdir: string = BUNDLE_DIR, root = ROOT): Promise<Bundle[]> {
  const entries = bundleEntries(root);
  const out = resolve(root, outdir);
  const functions = Object.entries(entries).filter(([name]) => name !== WATCHER_BUNDLE);
  const [functionBuild, watcherBuild] = await Promise.all([
    build({
      ...COMMON,
      absWorkingDir: root,
      entryPoints: functions.map(([name, entry]) => ({ in: `${ENTRY_NAMESPACE}:${entry}`, out: name })),
      plugins: [functionEntries],
      outdir: out,
      outExtension: { '.js': '.bundle.cjs' },
      format: 'cjs',
    }),
    build({
      ...COMMON,
      absWorkingDir: root,
      entryPoints: [{ in: entries[WATCHER_BUNDLE] ?? '', out: WATCHER_BUNDLE }],
      outdir: out,
      outExtension: { '.js': '.mjs' },
      format: 'esm',
      banner: { js: REQUIRE_BANNER },
    }),
  ]);
  const bundles: Bundle[] = [];
  const scratch = await mkdtemp(join(tmpdir(), 'bundle-warm-up-'));
  try {
    const kubeconfig = join(scratch, 'kubeconfig');
    await writeFile(kubeconfig, UNREACHABLE_KUBECONFIG);
    for (const output of describeOutputs(functionBuild.metafile, root)) {
      const name = relative(out, output.code).replace(/\.bundle\.cjs$/, '');
      const file = join(out, `${name}.mjs`);
      await writeFile(file, launcher(name));
      writeCodeCache(file, kubeconfig);
      bundles.push({ name, file, ...output, codeCache: `${output.code}.cache` });
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  for (const output of describeOutputs(watcherBuild.metafile, root)) bundles.push({ name: WATCHER_BUNDLE, file: output.code, ...output });
  return bundles.sort((a, b) => a.name.localeCompare(b.name));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const bundles = await bundle(process.argv[2] ?? BUNDLE_DIR);
  for (const b of bundles) process.stdout.write(`${relative(process.cwd(), b.file)}  ${(b.bytes / 1024).toFixed(0)} KiB from ${b.inputs.length} files${b.codeCache ? ', with its code cache' : ''}\n`);
}
