import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KubeAccess } from '../../../shared/watch/index.js';

export interface HeldRequest {
  query: URLSearchParams;
  res: ServerResponse;
  /** The client closed the connection. */
  closed: boolean;
}

/**
 * A stand-in API server for what a real one cannot be made to do on demand: accept a request and
 * then stay silent, as a half-open connection or a stuck proxy does. Lists are answered from
 * `items`, in pages (or held without an answer while `holdLists` is set); watches get their headers and then
 * only what the test sends.
 */
export class FakeApiServer {
  readonly lists: HeldRequest[] = [];
  readonly watches: HeldRequest[] = [];
  items: object[] = [];
  resourceVersion = '5';
  holdLists = false;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeApiServer> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const fake = new FakeApiServer(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => fake.handle(req, res));
    return fake;
  }

  /** Access without credentials, as a kubeconfig for this server would give. */
  get access(): KubeAccess {
    return { serverUrl: this.url, requestOptions: async () => ({ headers: {} }) };
  }

  /** Writes one watch event (one JSON line) on the watch `index`. */
  send(index: number, event: { type: string; object: object }): void {
    this.watches[index]?.res.write(`${JSON.stringify(event)}\n`);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const query = new URL(req.url ?? '/', this.url).searchParams;
    const held: HeldRequest = { query, res, closed: false };
    res.on('close', () => (held.closed = true));
    if (query.get('watch') === 'true') {
      this.watches.push(held);
      res.writeHead(200, { 'content-type': 'application/json' }).flushHeaders();
      return;
    }
    this.lists.push(held);
    if (this.holdLists) return;
    // Pages as a real server cuts them: `limit` objects from where `continue` points.
    const from = Number(query.get('continue') ?? '0');
    const limit = Number(query.get('limit') ?? '0') || this.items.length;
    const next = from + limit < this.items.length ? String(from + limit) : undefined;
    const metadata = { resourceVersion: this.resourceVersion, ...(next ? { continue: next } : {}) };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'List', metadata, items: this.items.slice(from, from + limit) }));
  }
}
