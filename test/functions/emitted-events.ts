/** Where the resync function sends its events (its K_SINK): keeps each, decoded, in arrival order. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HTTP } from 'cloudevents';
import type { CloudEvent } from 'cloudevents';

export interface EmittedEvents {
  readonly url: string;
  readonly all: ReadonlyArray<CloudEvent<unknown>>;
  /** The answer to the next posts (default 202), to play a Broker that refuses. */
  answerWith(status: number): void;
  close(): Promise<void>;
}

export async function startEmittedEvents(): Promise<EmittedEvents> {
  const all: Array<CloudEvent<unknown>> = [];
  let status = 202;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (status < 300) all.push(HTTP.toEvent({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') }) as CloudEvent<unknown>);
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    all,
    answerWith: (next) => void (status = next),
    close: () => new Promise<void>((done) => {
      server.closeAllConnections();
      server.close(() => done());
    }),
  };
}
