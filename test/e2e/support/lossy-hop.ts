/**
 * A lossy hop between the event sources and the broker: it answers every POST 202, as the broker's
 * ingress does, but forwards only some, so the rest are lost the way an InMemoryChannel pod restart
 * loses them. Which events go is decided by a seeded PRNG in arrival order: the same seed drops the same
 * share; the assertions hold whichever events those are.
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { seededRandom } from './seeded-random.js';

export interface LossyHop {
  readonly url: string;
  /** The share of events lost from now on (the one given at start until changed). */
  dropShare: number;
  /** Where kept events go; set once the broker listens. */
  forwardTo(target: string): string;
  /** `<ce-type> <ce-kind>` → how many were dropped / kept. */
  readonly dropped: Record<string, number>;
  readonly kept: Record<string, number>;
  /** No event is being forwarded right now. */
  readonly idle: boolean;
  close(): Promise<void>;
}

function forwardedHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (typeof value === 'string' && (name.startsWith('ce-') || name === 'content-type')) kept[name] = value;
  return kept;
}

export async function startLossyHop(options: { dropShare: number; seed: number }): Promise<LossyHop> {
  const random = seededRandom(options.seed);
  const dropped: Record<string, number> = {};
  const kept: Record<string, number> = {};
  let target: string | undefined;
  let inFlight = 0;
  let dropShare = options.dropShare;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const what = `${String(req.headers['ce-type'])} ${String(req.headers['ce-kind'])}`;
      const lose = random() < dropShare;
      (lose ? dropped : kept)[what] = ((lose ? dropped : kept)[what] ?? 0) + 1;
      if (lose || target === undefined) return void res.writeHead(202).end();
      inFlight++;
      fetch(target, { method: 'POST', headers: forwardedHeaders(req.headers), body: Buffer.concat(chunks) })
        .then(async (answer) => {
          await answer.body?.cancel();
          res.writeHead(answer.status).end();
        }, () => res.writeHead(502).end())
        .finally(() => inFlight--);
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    url,
    get dropShare() {
      return dropShare;
    },
    set dropShare(share: number) {
      dropShare = share;
    },
    forwardTo: (next) => {
      target = next;
      return url;
    },
    dropped,
    kept,
    get idle() {
      return inFlight === 0;
    },
    close: () => new Promise<void>((done) => {
      server.closeAllConnections();
      server.close(() => done());
    }),
  };
}
