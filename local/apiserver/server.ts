/** Starts one in-process API server on a loopback port and assembles its parts. */
import { createServer } from 'node:http';
import { writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { TokenAuth } from './auth.js';
import { bootstrap } from './bootstrap.js';
import { controllers } from './controllers.js';
import { readCrdFiles } from './crd-files.js';
import { Faults } from './faults.js';
import { kubeconfigYaml } from './kubeconfig.js';
import { OpenApiRoute } from './openapi-route.js';
import { Registry } from './registry.js';
import { RequestCounter } from './request-counter.js';
import { Router } from './router.js';
import { Store } from './store.js';
import { WatchHub } from './watch-hub.js';
import type { Core } from './core.js';
import type { ApiServer, ApiServerOptions } from './types.js';

const DEFAULT_WATCH_WINDOW = 10_000;
const DEFAULT_BOOKMARK_INTERVAL_MS = 60_000;

function makeCore(options: ApiServerOptions): Core {
  const hub = new WatchHub(options.watchWindow ?? DEFAULT_WATCH_WINDOW);
  const core: Core = {
    hub,
    store: new Store(hub),
    registry: new Registry(),
    now: options.now ?? ((): Date => new Date()),
    bookmarkIntervalMs: options.bookmarkIntervalMs ?? DEFAULT_BOOKMARK_INTERVAL_MS,
    afterCommit: controllers(() => core),
  };
  return core;
}

export async function startApiServer(options: ApiServerOptions = {}): Promise<ApiServer> {
  const name = options.name ?? 'local';
  const host = options.host ?? '127.0.0.1';
  const core = makeCore(options);
  const crds = [...(options.crds ?? []), ...(await readCrdFiles(options.crdFiles ?? []))];
  bootstrap(core, options.namespaces ?? [], crds);
  const counter = new RequestCounter();
  const faults = new Faults((resource, graceful) => {
    if (resource === undefined) core.hub.closeWatches(undefined, graceful);
    else core.registry.storageKeysOf(resource).forEach((key) => core.hub.closeWatches(key, graceful));
  }, () => core.hub.compact());
  let hostPort = '';
  const router = new Router({
    core, faults, counter, openApi: new OpenApiRoute(core), hostPort: () => hostPort,
    ...(options.tokens ? { auth: new TokenAuth(options.tokens) } : {}),
  });
  const server = createServer({ keepAliveTimeout: 30_000 }, (req, res) => void router.handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  hostPort = `${host}:${port}`;
  const url = `http://${hostPort}`;
  return {
    url,
    name,
    kubeconfig: (opts) => kubeconfigYaml(name, url, opts),
    writeKubeconfig: (path, opts) => writeFile(path, kubeconfigYaml(name, url, opts), 'utf8'),
    faults,
    requests: { count: (f) => counter.count(f), snapshot: () => counter.snapshot(), reset: () => counter.reset() },
    stop: async () => {
      core.hub.closeWatches();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
