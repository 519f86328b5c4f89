/**
 * The image's bundles (functions/bundle.ts), built once into a temporary folder as the Dockerfile builds
 * them: each function's bundle, run as its Knative Service runs it (`node <heap flags>
 * dist/bundles/<name>.mjs --target=<name>`), answers an event it consumes, uses its code cache, and serves
 * no other function; the remote watcher's bundle sends its first event; and no bundle holds a module only
 * tests use or loads a package from node_modules when it starts.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { INTERNAL_REQUESTS } from '../../shared/api/index.js';
import { CODE_CACHE_ENV, EXTERNAL_PACKAGES, FUNCTION_NODE_FLAGS, WATCHER_BUNDLE } from '../../functions/bundle.js';
import { FUNCTION_NAMES } from '../../local/embedded/function-names.js';
import type { FunctionName } from '../../local/embedded/function-names.js';
import { functionColdStart, watcherColdStart } from '../bench/cold-start.js';
import { probeEvent } from '../bench/probe-events.js';
import type { SystemInfo } from '../bench/parts.js';
import { PIPELINE_RUN_NAMESPACE, SERVICE_NAMESPACE, requestManifest, startClusters } from '../functions/harness.js';
import type { Clusters } from '../functions/harness.js';
import { buildBundles } from '../support/bundles.js';
import type { BuiltBundles } from '../support/bundles.js';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { devDependencies: Record<string, string> };

let bundles: BuiltBundles;
let clusters: Clusters;

beforeAll(async () => {
  bundles = await buildBundles();
  clusters = await startClusters();
}, 60_000);
afterAll(async () => {
  await clusters?.stop();
  await bundles?.remove();
});

function env(): Record<string, string> {
  return {
    REMOTE_KUBECONFIG: process.env.REMOTE_KUBECONFIG ?? '',
    KUBECONFIG: process.env.KUBECONFIG ?? '',
    SERVICE_NAMESPACE,
    PIPELINE_RUN_NAMESPACE,
    K_SINK: 'http://127.0.0.1:9/',
  };
}

function systemInfo(): SystemInfo {
  return {
    publicServer: clusters.publicServer.url,
    publicKubeconfig: env().REMOTE_KUBECONFIG ?? '',
    internalServer: clusters.internalServer.url,
    internalKubeconfig: env().KUBECONFIG ?? '',
    brokerIngress: env().K_SINK ?? '',
    pipelineRunNamespace: PIPELINE_RUN_NAMESPACE,
  };
}

/** Where a bundle's input comes from: a repository file, or the package of a node_modules file. */
function origin(input: string): string {
  const pkgName = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1];
  return pkgName === undefined ? input : `package ${pkgName}`;
}

function exitCode(args: string[]): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', ...env() }, stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

describe('the image bundles', () => {
  it('when bundled, then there is one bundle per function and one for the remote watcher', () => {
    expect(bundles.bundles.map((b) => b.name).sort()).toEqual([...FUNCTION_NAMES, WATCHER_BUNDLE].sort());
  });

  it.each(FUNCTION_NAMES.map((name) => [name]))('when %s runs from its bundle, then it answers an event it consumes', async (name) => {
    const started = await functionColdStart({ bundle: bundles.file(name), target: name, env: env(), event: probeEvent(name as FunctionName, systemInfo()) });
    // The event is about an object that does not exist: the function parsed it, read the cluster and is done.
    expect(started.status).toBe(204);
  }, 30_000);

  it.each(FUNCTION_NAMES.map((name) => [name]))('when %s starts with the flags of its Service, then V8 accepts its code cache', (name) => {
    const check = spawnSync(process.execPath, [...FUNCTION_NODE_FLAGS, bundles.file(name)], { env: { PATH: process.env.PATH ?? '', [CODE_CACHE_ENV]: 'check' }, encoding: 'utf8' });
    expect(check.stdout.trim()).toBe('accepted');
  });

  it('when a function bundle is asked for another function, then it finds none and exits 1', async () => {
    await expect(exitCode([bundles.file('admission'), '--target=cleanup', '--port=0'])).resolves.toBe(1);
  }, 30_000);

  it('when the remote watcher runs from its bundle, then its first event reaches the sink', async () => {
    await clusters.remote.create(INTERNAL_REQUESTS, 'team-a', requestManifest('bundled-watcher'));
    const started = await watcherColdStart(bundles.file(WATCHER_BUNDLE), { REMOTE_KUBECONFIG: env().REMOTE_KUBECONFIG ?? '' });
    expect(started.ms).toBeGreaterThan(0);
  }, 30_000);

  it('when a bundle loads, then it imports no package from node_modules: client-node only on demand, for a kubeconfig that needs it', () => {
    for (const b of bundles.bundles) expect({ bundle: b.name, loaded: b.loadedPackages }).toEqual({ bundle: b.name, loaded: [] });
  });

  it('when bundled, then no bundle holds a test-only module, a dev dependency, another function, or a package meant to stay outside', () => {
    const devPackages = Object.keys(pkg.devDependencies);
    for (const b of bundles.bundles) {
      const origins = [...new Set(b.inputs.map(origin))];
      const testOnly = origins.filter((o) => /(^|\/)test\//.test(o) || /\.test\.ts$/.test(o) || /(^|\/)testing\.ts$/.test(o));
      const dev = origins.filter((o) => devPackages.some((d) => o === `package ${d}`) || /^package (@jest\/|jest|supertest)/.test(o));
      const otherFunctions = origins.filter((o) => /^functions\/[^/]+\//.test(o) && !o.startsWith(`functions/${b.name}/`));
      const outside = origins.filter((o) => EXTERNAL_PACKAGES.some((p) => o === `package ${p}`));
      expect({ bundle: b.name, testOnly, dev, otherFunctions, outside }).toEqual({ bundle: b.name, testOnly: [], dev: [], otherFunctions: [], outside: [] });
    }
  });
});
