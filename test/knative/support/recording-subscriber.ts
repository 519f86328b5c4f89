/** A loopback HTTP subscriber that records what the broker sends and answers as a test scripts. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  headers: Record<string, string>;
  body: string;
}

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/** `undefined` leaves the request hanging until the subscriber closes. */
export type Responder = (request: ReceivedRequest, index: number) => Answer | undefined;

export interface RecordingSubscriber {
  readonly url: string;
  readonly received: ReceivedRequest[];
  /** Resolves once `count` requests have arrived. */
  waitFor(count: number): Promise<void>;
  close(): Promise<void>;
}

async function read(request: IncomingMessage): Promise<ReceivedRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) if (typeof value === 'string') headers[name] = value;
  return { headers, body: Buffer.concat(chunks).toString('utf8') };
}

function reply(response: ServerResponse, answer: Answer): void {
  response.writeHead(answer.status, answer.headers ?? {});
  response.end(answer.body ?? '');
}

export async function startSubscriber(responder: Responder = () => ({ status: 202 })): Promise<RecordingSubscriber> {
  const received: ReceivedRequest[] = [];
  let waiters: Array<{ count: number; done: () => void }> = [];
  const server = createServer((request, response) => {
    void read(request).then((recorded) => {
      received.push(recorded);
      const answer = responder(recorded, received.length - 1);
      if (answer) reply(response, answer);
      waiters = waiters.filter((w) => (received.length >= w.count ? (w.done(), false) : true));
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    received,
    waitFor: (count) => (received.length >= count ? Promise.resolve() : new Promise((done) => waiters.push({ count, done }))),
    close: () => new Promise<void>((done) => {
      server.closeAllConnections();
      server.close(() => done());
    }),
  };
}
