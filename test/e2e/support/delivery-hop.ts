/**
 * The broker's way to one function: the Trigger's subscriber URL is this hop, which forwards each
 * delivery to wherever the function serves now (in this process, or its own process), so a test can
 * move a function without restarting the broker. It can also deliver every event more than once, as
 * at-least-once delivery may: each delivery is sent `copies()` times; the first copy's answer goes back
 * to the broker; a second copy goes at the same moment (a concurrent duplicate), the others one after
 * another once the first has been answered (late duplicates). A duplicate's reply event goes into the
 * broker's ingress, as Knative routes the reply of every delivery it made.
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DeliveryHop {
  readonly url: string;
  /** Where the function serves now. */
  target: string;
  /** Where duplicates' reply events go: the broker's ingress. */
  ingress: string;
  /** How many times the next delivery is sent; 1 unless changed. */
  copies: () => number;
  /** Deliveries the broker made, and copies sent for them in all. */
  readonly deliveries: number;
  readonly sent: number;
  /** No delivery or duplicate is under way. */
  readonly idle: boolean;
  close(): Promise<void>;
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

const HOP_BY_HOP = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive']);

function passedHeaders(headers: IncomingHttpHeaders | Headers): Record<string, string> {
  const entries = headers instanceof Headers ? [...headers.entries()] : Object.entries(headers);
  const kept: Record<string, string> = {};
  for (const [name, value] of entries) if (typeof value === 'string' && !HOP_BY_HOP.has(name)) kept[name] = value;
  return kept;
}

async function send(target: string, headers: Record<string, string>, body: Buffer): Promise<Answer> {
  try {
    const answer = await fetch(target, { method: 'POST', headers, body });
    return { status: answer.status, headers: passedHeaders(answer.headers), body: Buffer.from(await answer.arrayBuffer()) };
  } catch {
    // The function's process is gone or not yet back: the broker sees a failed attempt and retries.
    return { status: 502, headers: {}, body: Buffer.from('the function could not be reached') };
  }
}

function replyEventHeaders(answer: Answer): Record<string, string> | undefined {
  if (answer.status !== 200 || answer.headers['ce-type'] === undefined) return undefined;
  return Object.fromEntries(Object.entries(answer.headers).filter(([name]) => name.startsWith('ce-') || name === 'content-type'));
}

export async function startDeliveryHop(initialTarget: string): Promise<DeliveryHop> {
  let target = initialTarget;
  let ingress = '';
  let copies = (): number => 1;
  let deliveries = 0;
  let sent = 0;
  let inFlight = 0;

  const track = async <T>(work: Promise<T>): Promise<T> => {
    inFlight++;
    try {
      return await work;
    } finally {
      inFlight--;
    }
  };

  const sendCopy = async (headers: Record<string, string>, body: Buffer): Promise<Answer> => {
    sent++;
    return send(target, headers, body);
  };

  const duplicate = async (headers: Record<string, string>, body: Buffer): Promise<void> => {
    const answer = await sendCopy(headers, body);
    const reply = replyEventHeaders(answer);
    if (reply && ingress) await send(ingress, reply, answer.body);
  };

  const lateDuplicates = async (first: Promise<Answer>, count: number, headers: Record<string, string>, body: Buffer): Promise<void> => {
    await first;
    for (let copy = 0; copy < count; copy++) await duplicate(headers, body);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      deliveries++;
      const headers = passedHeaders(req.headers);
      const body = Buffer.concat(chunks);
      const total = copies();
      const first = track(sendCopy(headers, body));
      if (total >= 2) void track(duplicate(headers, body));
      if (total >= 3) void track(lateDuplicates(first, total - 2, headers, body));
      void first.then((answer) => res.writeHead(answer.status, answer.headers).end(answer.body));
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    url,
    get target() {
      return target;
    },
    set target(next: string) {
      target = next;
    },
    get ingress() {
      return ingress;
    },
    set ingress(next: string) {
      ingress = next;
    },
    get copies() {
      return copies;
    },
    set copies(next: () => number) {
      copies = next;
    },
    get deliveries() {
      return deliveries;
    },
    get sent() {
      return sent;
    },
    get idle() {
      return inFlight === 0;
    },
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
