/**
 * One delivery attempt: a binary-mode CloudEvent POSTed with `Prefer: reply`, as Knative does. Sent over
 * node:http with one keep-alive agent for all subscribers (fetch cost the broker about a fifth of its CPU
 * in streams, abort signals and header objects; docs/performance.md, "CPU outside the functions"), or,
 * to a subscriber that lives in this process, handed over as the same message, without HTTP (ADR 0016).
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { EventAnswer, EventMessage } from '../../shared/events/index.js';

export type AttemptResult =
  | { kind: 'response'; status: number; headers: Record<string, string>; body: string }
  | { kind: 'error'; message: string };

/** A subscriber served in this process: it takes the message a POST would carry and answers as its response would. */
export type InProcessSubscriber = (message: EventMessage, signal: AbortSignal | undefined) => Promise<EventAnswer>;

export interface AttemptOptions {
  /** Aborts the request when it fires; undefined = no per-attempt timeout. */
  signal?: AbortSignal;
  /** Set when the subscriber at the URL lives in this process. */
  inProcess?: InProcessSubscriber;
}

const httpAgent = new HttpAgent({ keepAlive: true });
const httpsAgent = new HttpsAgent({ keepAlive: true });

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

function post(url: string, headers: OutgoingHttpHeaders, body: string, signal: AbortSignal | undefined): Promise<EventAnswer> {
  return new Promise((resolve, reject) => {
    const https = url.startsWith('https:');
    const send = https ? httpsRequest : httpRequest;
    const payload = Buffer.from(body);
    const req = send(url, { method: 'POST', agent: https ? httpsAgent : httpAgent, signal, headers: { ...headers, 'content-length': payload.length } }, (res) => {
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

/** The answer, or an AbortError as soon as the signal fires (the subscriber hears the same signal and stops). */
function answerUnlessAborted(answer: Promise<EventAnswer>, signal: AbortSignal | undefined): Promise<EventAnswer> {
  if (signal === undefined) return answer;
  signal.throwIfAborted();
  return new Promise((resolve, reject) => {
    const abort = (): void => reject(new DOMException('This operation was aborted', 'AbortError'));
    signal.addEventListener('abort', abort, { once: true });
    answer.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}

function lowerCaseNames(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = value;
  return out;
}

async function handOver(subscriber: InProcessSubscriber, message: EventMessage, signal: AbortSignal | undefined): Promise<EventAnswer> {
  const answer = await answerUnlessAborted(subscriber(message, signal), signal);
  return { status: answer.status, headers: lowerCaseNames(answer.headers), body: answer.body };
}

/** `event`: a binary-mode message (decode-event.ts, Envelope). */
export async function sendAttempt(url: string, event: EventMessage, options: AttemptOptions = {}): Promise<AttemptResult> {
  const message = { headers: { ...event.headers, prefer: 'reply' }, body: event.body };
  try {
    const answer = options.inProcess ? await handOver(options.inProcess, message, options.signal) : await post(url, message.headers, message.body, options.signal);
    return { kind: 'response', ...answer };
  } catch (error) {
    // Like Knative's dispatcher, a transport error or timeout reads as "dispatch error: …".
    return { kind: 'error', message: `dispatch error: ${describe(error)}` };
  }
}
