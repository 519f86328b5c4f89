/**
 * One delivery attempt: a binary-mode CloudEvent POSTed with `Prefer: reply`, as Knative does. Sent over
 * node:http with one keep-alive agent for all subscribers (fetch cost the broker about a fifth of its CPU
 * in streams, abort signals and header objects; docs/performance.md, "CPU outside the functions").
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { HTTP } from 'cloudevents';
import type { CloudEventV1 } from 'cloudevents';

export type AttemptResult =
  | { kind: 'response'; status: number; headers: Record<string, string>; body: string }
  | { kind: 'error'; message: string };

export interface AttemptOptions {
  /** Aborts the request when it fires; undefined = no per-attempt timeout. */
  signal?: AbortSignal;
}

const httpAgent = new HttpAgent({ keepAlive: true });
const httpsAgent = new HttpsAgent({ keepAlive: true });

function headerRecord(headers: Record<string, unknown>): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = String(value);
  }
  return out;
}

/** Response headers as one string each (a repeated header joined, as fetch's Headers join it). */
function received(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function post(url: string, headers: OutgoingHttpHeaders, body: string | Buffer | undefined, signal: AbortSignal | undefined): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const https = url.startsWith('https:');
    const send = https ? httpsRequest : httpRequest;
    const payload = body === undefined ? undefined : typeof body === 'string' ? Buffer.from(body) : body;
    const req = send(url, { method: 'POST', agent: https ? httpsAgent : httpAgent, signal, headers: { ...headers, 'content-length': payload?.length ?? 0 } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: received(res.headers), body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
      res.on('close', () => {
        if (!res.complete) reject(new Error('the connection closed before the response ended'));
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

export async function sendAttempt(url: string, event: CloudEventV1<unknown>, options: AttemptOptions = {}): Promise<AttemptResult> {
  const message = HTTP.binary(event);
  const body = message.body as string | Buffer | undefined;
  try {
    const answer = await post(url, { ...headerRecord(message.headers), prefer: 'reply' }, body, options.signal);
    return { kind: 'response', ...answer };
  } catch (error) {
    // Like Knative's dispatcher, a transport error or timeout reads as "dispatch error: …".
    return { kind: 'error', message: `dispatch error: ${describe(error)}` };
  }
}
