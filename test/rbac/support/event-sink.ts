/**
 * Where the event sources send (their K_SINK): keeps every CloudEvent in arrival order, so a test can
 * wait for the one it routes next, the way the broker would pass it on.
 */
import { createServer } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HTTP } from 'cloudevents';
import type { CloudEvent } from 'cloudevents';

const WAIT_DEADLINE_MS = 10_000;

export interface EventSink {
  readonly url: string;
  /** The first event received that matches, waiting (up to a deadline) until one arrives. */
  waitFor(what: string, match: (event: CloudEvent<unknown>) => boolean): Promise<CloudEvent<unknown>>;
  stop(): Promise<void>;
}

async function bodyOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startEventSink(): Promise<EventSink> {
  const received: Array<CloudEvent<unknown>> = [];
  const waiters = new Set<() => void>();
  const server = createServer((req, res) => {
    void bodyOf(req).then((body) => {
      received.push(HTTP.toEvent({ headers: req.headers, body }) as CloudEvent<unknown>);
      waiters.forEach((wake) => wake());
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  function waitFor(what: string, match: (event: CloudEvent<unknown>) => boolean): Promise<CloudEvent<unknown>> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const found = received.find(match);
        if (!found) return;
        waiters.delete(check);
        clearTimeout(deadline);
        resolve(found);
      };
      const deadline = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no ${what} within ${WAIT_DEADLINE_MS} ms; received: ${received.map((e) => `${e.type} ${e.subject}`).join(', ')}`));
      }, WAIT_DEADLINE_MS);
      waiters.add(check);
      check();
    });
  }

  return {
    url: `http://127.0.0.1:${port}/`,
    waitFor,
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
