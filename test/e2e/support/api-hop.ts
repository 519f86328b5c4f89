/**
 * One client's way to an API server: a transparent HTTP proxy on loopback that the client's kubeconfig
 * names instead of the server. Each client of the fault matrix (the functions, one watcher, the runner,
 * one function's process) gets its own hop per cluster, so the hop knows the caller without tokens, on
 * the local server and on a real kube-apiserver alike. It gives that one caller what the servers' own
 * fault hooks (local/apiserver/faults.ts, test/kube/fault-proxy.ts) cannot, since they match a verb and
 * a resource for every caller:
 * - a share of its calls answered 500, 503 or 429 (a seeded PRNG in arrival order picks which and how);
 * - a call forwarded, applied by the server, and its answer withheld while the test kills the caller: the
 *   caller stops exactly between that call and its next step;
 * - a restart: every connection (calls in flight, watches) is cut, new ones are refused on the same port
 *   until the hop listens again.
 */
import { Agent, createServer, request } from 'node:http';
import type { ClientRequest, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendError } from '../../../local/apiserver/http-io.js';
import { kubeconfigYaml } from '../../../local/apiserver/kubeconfig.js';
import { RequestCounter } from '../../../local/apiserver/request-counter.js';
import { requestInfo } from '../../../local/apiserver/request-info.js';
import { ApiError, reasonForCode } from '../../../local/apiserver/status-errors.js';
import { seededRandom } from './seeded-random.js';

/** A call as the hop sees it: the verb and resource (plural or plural/subresource) the servers count, and its body. */
export interface Call {
  verb: string;
  resource: string;
  body: string;
}

export interface ApiHopOptions {
  /** The server's URL (plain HTTP: the local server, or the real one's test-bed proxy). */
  upstream: string;
  /** The cluster's name in the kubeconfig. */
  cluster: string;
  seed: number;
}

export interface ApiHop {
  readonly url: string;
  /** The calls that reached the hop, by verb and resource. */
  readonly calls: RequestCounter;
  /** The share of calls answered with an injected failure from now on; 0 forwards all. */
  failShare: number;
  /** Injected failures so far, by status code. */
  readonly failures: Record<number, number>;
  /** Calls in flight (answered or not yet), watches aside. */
  readonly busy: number;
  /** Watches open now. */
  readonly watches: number;
  kubeconfig(): string;
  /**
   * The next call that `matches` and that the server applies (answers 2xx) goes to the server; once the
   * server has answered it, `stopCaller` runs (the test kills the process) and the answer is dropped.
   * Resolves with the call when that is done. A matching call the server refuses passes as usual.
   */
  withholdAnswer(matches: (call: Call) => boolean, stopCaller: () => Promise<void>): Promise<Call>;
  /** Resolves once `count` calls have reached the hop in all. */
  afterCalls(count: number): Promise<void>;
  /**
   * Cuts every connection, both ways, and stops listening: callers meet a refused connection. Resolves
   * with what was cut: calls in flight and open watches.
   */
  goDown(): Promise<{ calls: number; watches: number }>;
  /** Listens again on the same port. */
  comeUp(): Promise<void>;
  close(): Promise<void>;
}

const INJECTED_CODES = [500, 503, 429];

function callOf(req: IncomingMessage, body: Buffer): Call {
  const url = new URL(req.url ?? '/', 'http://hop');
  const info = requestInfo(req.method ?? 'GET', url.pathname, url.searchParams);
  const text = body.toString('utf8');
  if (info.kind === 'resource') return { verb: info.verb, resource: info.subresource ? `${info.plural}/${info.subresource}` : info.plural, body: text };
  return { verb: (req.method ?? 'GET').toLowerCase(), resource: 'discovery', body: text };
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

interface Withholding {
  matches: (call: Call) => boolean;
  stopCaller: () => Promise<void>;
  done: (call: Call) => void;
}

export async function startApiHop(options: ApiHopOptions): Promise<ApiHop> {
  const random = seededRandom(options.seed);
  const upstream = new URL(options.upstream);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const calls = new RequestCounter();
  const failures: Record<number, number> = {};
  const outgoing = new Set<ClientRequest>();
  const countWaiters: Array<{ count: number; reached: () => void }> = [];
  let withholdings: Withholding[] = [];
  let failShare = 0;
  let busy = 0;
  let watching = 0;

  const noteCall = (call: Call): void => {
    calls.record(call.verb, call.resource);
    const total = calls.count();
    for (const waiter of countWaiters.filter((w) => w.count <= total)) {
      countWaiters.splice(countWaiters.indexOf(waiter), 1);
      waiter.reached();
    }
  };

  const takeWithholding = (call: Call): Withholding | undefined => {
    const found = withholdings.find((w) => w.matches(call));
    if (found) withholdings = withholdings.filter((w) => w !== found);
    return found;
  };

  const injectFailure = (res: ServerResponse): boolean => {
    if (failShare <= 0 || random() >= failShare) return false;
    const code = INJECTED_CODES[Math.floor(random() * INJECTED_CODES.length)] as number;
    failures[code] = (failures[code] ?? 0) + 1;
    sendError(res, new ApiError(code, reasonForCode(code), 'injected by the fault matrix'));
    return true;
  };

  const forward = (req: IncomingMessage, res: ServerResponse, call: Call, body: Buffer): void => {
    const withheld = takeWithholding(call);
    const headers = { ...req.headers, host: upstream.host };
    const onward = request(new URL(req.url ?? '/', upstream), { method: req.method, headers, agent }, (answer) => {
      const applied = (answer.statusCode ?? 500) < 300;
      if (withheld && !applied) withholdings.push(withheld);
      if (withheld && applied) {
        answer.resume();
        answer.once('end', () => void withheld.stopCaller().then(() => {
          res.destroy();
          withheld.done(call);
        }));
        return;
      }
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      // Watches stream: the headers go now, as the server sent them.
      res.flushHeaders();
      answer.pipe(res);
    });
    outgoing.add(onward);
    onward.once('close', () => outgoing.delete(onward));
    // The server cannot be reached: the caller meets what it would meet without the hop.
    onward.once('error', () => res.destroy());
    res.once('close', () => {
      if (!withheld) onward.destroy();
    });
    onward.end(body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readAll(req);
    const call = callOf(req, body);
    if (call.verb === 'watch') {
      watching++;
      res.once('close', () => watching--);
    } else {
      busy++;
      res.once('close', () => busy--);
    }
    noteCall(call);
    if (injectFailure(res)) return;
    forward(req, res, call, body);
  };

  const server = createServer({ keepAliveTimeout: 30_000 }, (req, res) => void handle(req, res).catch(() => res.destroy()));
  const listen = (port: number): Promise<void> =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  await listen(0);
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  const goDown = (): Promise<{ calls: number; watches: number }> =>
    new Promise((resolve) => {
      const cut = { calls: busy, watches: watching };
      if (!server.listening) return resolve(cut);
      server.close(() => resolve(cut));
      server.closeAllConnections();
      for (const onward of outgoing) onward.destroy();
    });

  return {
    url,
    calls,
    get failShare() {
      return failShare;
    },
    set failShare(share: number) {
      failShare = share;
    },
    failures,
    get busy() {
      return busy;
    },
    get watches() {
      return watching;
    },
    kubeconfig: () => kubeconfigYaml(options.cluster, url),
    withholdAnswer: (matches, stopCaller) => new Promise((done) => withholdings.push({ matches, stopCaller, done })),
    afterCalls: (count) => (calls.count() >= count ? Promise.resolve() : new Promise((reached) => countWaiters.push({ count, reached }))),
    goDown,
    comeUp: () => listen(port),
    close: async () => {
      await goDown();
      agent.destroy();
    },
  };
}
