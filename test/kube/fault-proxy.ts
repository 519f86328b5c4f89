/**
 * A transparent HTTP proxy on loopback in front of a real kube-apiserver, giving it the test hooks the
 * local API server has built in: request counts by verb, resource and caller, injected failures and
 * latency, and cut or cleanly ended watches. Everything else is the real server's: bodies, status codes,
 * headers and streams pass through unchanged. Clients reach it over plain HTTP (their kubeconfig says
 * so); it speaks TLS to the server, trusting only the server's CA.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Agent, request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Faults } from '../../local/apiserver/faults.js';
import { sendError } from '../../local/apiserver/http-io.js';
import { RequestCounter } from '../../local/apiserver/request-counter.js';
import { requestInfo } from '../../local/apiserver/request-info.js';

export interface FaultProxyOptions {
  /** https://127.0.0.1:<port> of the real server. */
  upstream: string;
  caPem: string;
  /** Sent for requests that carry no Authorization header (a cluster without tokens serves everyone as admin). */
  defaultToken?: string;
  /** What `faults.expireHistory()` does to the real server (compact its etcd). */
  expireHistory: () => Promise<void>;
}

export interface FaultProxy {
  readonly url: string;
  readonly faults: Faults;
  readonly counter: RequestCounter;
  stop(): Promise<void>;
}

interface OpenWatch { resource: string; res: ServerResponse; abort: () => void }

function bearer(header: string | undefined): string | undefined {
  return header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
}

/** verb and resource as the local server counts them: plural or plural/subresource; discovery and openapi by name. */
function keyOf(req: IncomingMessage): { verb: string; resource: string; namespace?: string } {
  const url = new URL(req.url ?? '/', 'http://proxy');
  const info = requestInfo(req.method ?? 'GET', url.pathname, url.searchParams);
  if (info.kind === 'resource') {
    return { verb: info.verb, resource: info.subresource ? `${info.plural}/${info.subresource}` : info.plural, namespace: info.namespace };
  }
  return { verb: 'get', resource: url.pathname.startsWith('/openapi') ? 'openapi' : 'discovery' };
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const agent = new Agent({ ca: options.caPem, keepAlive: true, maxSockets: 256 });
  const watches = new Set<OpenWatch>();
  const counter = new RequestCounter();
  const faults = new Faults((resource, graceful) => {
    for (const watch of [...watches]) {
      if (resource !== undefined && watch.resource !== resource) continue;
      watches.delete(watch);
      watch.abort();
      if (graceful) watch.res.end();
      else watch.res.socket?.destroy();
    }
  }, options.expireHistory);

  const forward = (req: IncomingMessage, res: ServerResponse, key: ReturnType<typeof keyOf>): void => {
    const headers = { ...req.headers, host: new URL(options.upstream).host };
    if (!headers.authorization && options.defaultToken) headers.authorization = `Bearer ${options.defaultToken}`;
    const user = bearer(req.headers.authorization);
    const upstream = request(new URL(req.url ?? '/', options.upstream), { method: req.method, headers, agent }, (answer) => {
      const status = answer.statusCode ?? 502;
      counter.record(key.verb, key.resource, { user, refused: status === 401 || status === 403 });
      res.writeHead(status, answer.headers);
      // Watches stream: send the headers now, as the server did (kubectl wait hangs otherwise).
      res.flushHeaders();
      answer.pipe(res);
      if (key.verb === 'watch') {
        const watch: OpenWatch = { resource: key.resource, res, abort: () => answer.destroy() };
        watches.add(watch);
        answer.once('close', () => {
          watches.delete(watch);
          if (!res.writableEnded) res.end();
        });
      }
    });
    upstream.once('error', (error) => {
      if (!res.headersSent) sendError(res, error);
      else res.socket?.destroy();
    });
    res.once('close', () => upstream.destroy());
    req.pipe(upstream);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const key = keyOf(req);
    const ms = faults.delayFor(key);
    if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
    const failure = faults.failureFor(key);
    if (failure) {
      counter.record(key.verb, key.resource, { user: bearer(req.headers.authorization) });
      req.resume();
      sendError(res, failure);
      return;
    }
    forward(req, res, key);
  };

  const server = createServer({ keepAliveTimeout: 30_000 }, (req, res) => void handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    faults,
    counter,
    async stop(): Promise<void> {
      faults.cutWatches();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      agent.destroy();
    },
  };
}
