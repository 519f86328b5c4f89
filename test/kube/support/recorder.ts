/**
 * An event sink that records each delivery as it came over the wire (headers and body), besides the
 * CloudEvent it decodes to, so a recording can be replayed byte for byte.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HTTP } from 'cloudevents';
import type { CloudEvent } from 'cloudevents';

import type { RecordedDelivery } from '../../support/apiserversource-fixtures.js';

export interface Recorder {
  readonly url: string;
  readonly deliveries: RecordedDelivery[];
  events(): Array<CloudEvent<unknown>>;
  /** Waits, up to a deadline, until `condition` holds over what was recorded. */
  waitFor(what: string, condition: (events: Array<CloudEvent<unknown>>) => boolean, ms?: number): Promise<void>;
  clear(): void;
  stop(): Promise<void>;
}

/** Headers a recording keeps: the CloudEvent's own and its content type (not the transport's). */
function eventHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(raw)
    .filter(([name]) => name.startsWith('ce-') || name === 'content-type')
    .map(([name, value]) => [name, String(value)]));
}

export async function startRecorder(): Promise<Recorder> {
  const deliveries: RecordedDelivery[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      deliveries.push({ headers: eventHeaders(req.headers), body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const events = (): Array<CloudEvent<unknown>> => deliveries.map((d) => HTTP.toEvent(d) as CloudEvent<unknown>);
  return {
    url: `http://127.0.0.1:${port}/`,
    deliveries,
    events,
    async waitFor(what, condition, ms = 20_000): Promise<void> {
      const deadline = Date.now() + ms;
      while (!condition(events())) {
        if (Date.now() > deadline) throw new Error(`no ${what} within ${ms} ms; recorded: ${events().map((e) => `${e.type} ${e.subject}`).join(', ')}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    clear: () => void deliveries.splice(0),
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
