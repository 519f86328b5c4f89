import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { HTTP } from 'cloudevents';
import type { CloudEvent } from 'cloudevents';
import type { EventMessage } from '../../shared/events/index.js';
import { requestKeyOf } from '../../shared/api/request-key.js';
import { isRetryableStatus } from '../../shared/events/retryable-status.js';
import { errorText } from '../../shared/observability/error-text.js';
import type { Logger } from '../../shared/observability/logger.js';
import type { Delay } from '../../shared/watch/index.js';

/** A sink in this process: takes the message a POST would carry and answers its status. */
export type InProcessSink = (message: EventMessage) => number | Promise<number>;

export interface EventSenderOptions {
  sink: string;
  /** Set when the sink lives in this process: events are handed to it instead of POSTed to `sink` (which then names it in logs). */
  inProcess?: InProcessSink;
  log: Logger;
  delay: Delay;
  retries?: number; // after the first attempt; ApiServerSource uses 5
  retryDelayMs?: number; // first retry delay, doubled each time; ApiServerSource uses 50 ms
  timeoutMs?: number; // per attempt
  /** Once aborted (the source gives up at shutdown): no further attempt, the one in flight ends, the event is lost. */
  cancel?: AbortSignal;
}

/**
 * POSTs events in binary mode and checks the answer (the SDK's transport never rejects). Each event is
 * retried with exponential backoff, then logged as lost: there is no dead-letter on this hop, the
 * periodic resync repairs what was lost.
 */
export class EventSender {
  private readonly retries: number;
  private readonly retryDelayMs: number;
  private readonly timeoutMs: number;

  constructor(private readonly o: EventSenderOptions) {
    this.retries = o.retries ?? 5;
    this.retryDelayMs = o.retryDelayMs ?? 50;
    this.timeoutMs = o.timeoutMs ?? 10_000;
  }

  /** Resolves true when the sink accepted the event, false when it was lost (never rejects). */
  async send(event: CloudEvent<unknown>): Promise<boolean> {
    const message = HTTP.binary(event);
    const cancel = this.o.cancel;
    let outcome: { status?: number; error?: string } = {};
    let attempts = 0;
    while (attempts <= this.retries && !cancel?.aborted) {
      if (attempts > 0) await this.o.delay(this.retryDelayMs * 2 ** (attempts - 1), cancel);
      if (cancel?.aborted) break;
      attempts += 1;
      outcome = await this.attempt(message.headers as Record<string, string>, message.body as string);
      if (outcome.status !== undefined && outcome.status < 300) return true;
      if (outcome.status !== undefined && !isRetryableStatus(outcome.status)) break;
    }
    this.o.log.log('error', 'event lost', {
      sink: this.o.sink,
      id: event.id,
      type: event.type,
      subject: event.subject,
      ...requestKeyOf(event.data),
      attempts,
      ...outcome,
      ...(cancel?.aborted ? { stopping: true } : {}),
    });
    return false;
  }

  private async attempt(headers: Record<string, string>, body: string): Promise<{ status?: number; error?: string }> {
    const { inProcess } = this.o;
    if (inProcess === undefined) return this.post(headers, body);
    try {
      return { status: await inProcess({ headers, body }) };
    } catch (err) {
      return { error: errorText(err) };
    }
  }

  /**
   * One attempt over node:http(s) with the shared keep-alive agent. Not fetch: undici's fetch makes
   * several times the garbage per request, which at a burst of adds (a start, a relist) alone cost
   * ~90 MB of RSS per 10,000 events.
   */
  private post(headers: Record<string, string>, body: string): Promise<{ status?: number; error?: string }> {
    return new Promise((resolve) => {
      const url = new URL(this.o.sink);
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      // A redirect is not followed: it is a failed delivery, as in Knative.
      const req = send(url, { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
        res.resume(); // drain, so the connection can be reused
        res.on('end', () => done({ status: res.statusCode }));
        res.on('close', () => done(res.complete ? { status: res.statusCode } : { error: 'the connection closed before the answer ended' }));
      });
      const timer = setTimeout(() => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
      const giveUp = (): void => void req.destroy(new Error('given up: the source is stopping'));
      this.o.cancel?.addEventListener('abort', giveUp, { once: true });
      let settled = false;
      const done = (outcome: { status?: number; error?: string }): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.o.cancel?.removeEventListener('abort', giveUp);
        resolve(outcome);
      };
      req.on('error', (err) => done({ error: errorText(err) }));
      req.end(body);
    });
  }
}
