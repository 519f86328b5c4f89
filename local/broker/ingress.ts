/**
 * The Broker's HTTP ingress, so that sources can use the local broker as their K_SINK: a POST of
 * one CloudEvent (binary or structured) answers 202 and is routed in the background; a body that
 * is not a valid CloudEvent answers 400 with the reason. `GET /dead-letters` lists the events no
 * subscriber took, as JSON, where Knative would have sent them to the dead-letter sink.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EventAnswer, EventMessage } from '../../shared/events/index.js';

export interface Ingress {
  readonly url: string;
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function headerRecord(request: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function answer(response: ServerResponse, status: number, text = ''): void {
  response.writeHead(status, text ? { 'content-type': 'text/plain; charset=utf-8' } : {});
  response.end(text);
}

export interface IngressHandlers {
  /** 202 (routed in the background) or 400 with the reason. */
  accept(message: EventMessage): EventAnswer;
  deadLetters(): unknown;
}

const DEAD_LETTERS_PATH = '/dead-letters';

async function handle(request: IncomingMessage, response: ServerResponse, { accept, deadLetters }: IngressHandlers): Promise<void> {
  if (request.method === 'GET' && request.url === DEAD_LETTERS_PATH) {
    response.writeHead(200, { 'content-type': 'application/json' });
    return void response.end(`${JSON.stringify(deadLetters(), null, 2)}\n`);
  }
  if (request.method !== 'POST') return answer(response, 405, `POST a CloudEvent, or GET ${DEAD_LETTERS_PATH}\n`);
  const accepted = accept({ headers: headerRecord(request), body: await readBody(request) });
  response.writeHead(accepted.status, accepted.headers);
  response.end(accepted.body);
}

export async function startIngress(handlers: IngressHandlers, options: { host?: string; port?: number } = {}): Promise<Ingress> {
  const server: Server = createServer((request, response) => {
    handle(request, response, handlers).catch((error: unknown) => answer(response, 500, `${String(error)}\n`));
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((ready, fail) => server.once('error', fail).listen(options.port ?? 0, host, ready));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}/`,
    close: () => new Promise<void>((done) => {
      server.closeAllConnections();
      server.close(() => done());
    }),
  };
}
