/**
 * A lossy hop between the event sources and the broker: it answers every POST 202, as the broker's
 * ingress does, but forwards only some, so the rest are lost the way an InMemoryChannel pod restart
 * loses them. Which events go is decided by a seeded PRNG in arrival order: the same seed drops the same
 * share; the assertions hold whichever events those are.
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LossyHop {
  readonly url: string;
  /** Where kept events go; set once the broker listens. */
  forwardTo(target: string): string;
  /** `<ce-type> <ce-kind>` → how many were dropped / kept. */
  readonly dropped: Record<string, number>;
  readonly kept: Record<string, number>;
  /** No event is being forwarded right now. */
  readonly idle: boolean;
  close(): Promise<void>;
}

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
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
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const what = `${String(req.headers['ce-type'])} ${String(req.headers['ce-kind'])}`;
      const lose = random() < options.dropShare;
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
