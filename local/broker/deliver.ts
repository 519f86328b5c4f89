/** Delivers one event to one subscriber, retrying as the delivery spec and Knative say. */
import type { Envelope } from './decode-event.js';
import { attemptTimeoutMs, backoffMs, isRetryableStatus, maxAttempts } from './delivery-policy.js';
import type { AttemptResult } from './dispatch.js';
import { sendAttempt } from './dispatch.js';
import type { ResolvedRoute } from './subscribers.js';

export interface AttemptRecord {
  trigger: string;
  url: string;
  eventId: string;
  eventType: string;
  attempt: number;
  /** The HTTP status, or the transport error. */
  outcome: number | string;
}

export interface DeliveryDeps {
  delay: (ms: number) => Promise<void>;
  /** What times an attempt out; default a timer of the broker's own. Tests inject a signal they abort. */
  timeoutSignal?: (ms: number) => AbortSignal;
  /** Aborted when the broker closes: in-flight requests end and no further attempt starts. */
  closed: AbortSignal;
  onAttempt?: (record: AttemptRecord) => void;
}

export type DeliveryOutcome =
  | { kind: 'delivered'; attempts: number; headers: Record<string, string>; body: string }
  | { kind: 'failed'; attempts: number; code: number; body: string }
  | { kind: 'abandoned'; attempts: number };

function failure(result: AttemptResult): { code: number; body: string; retryable: boolean } {
  if (result.kind === 'error') return { code: 500, body: result.message, retryable: true };
  return { code: result.status, body: result.body, retryable: isRetryableStatus(result.status) };
}

function isSuccess(result: AttemptResult): result is Extract<AttemptResult, { kind: 'response' }> {
  return result.kind === 'response' && result.status >= 200 && result.status < 300;
}

/**
 * What ends one attempt: the broker closing, or the delivery timeout passing. One controller and one timer,
 * released when the attempt ends (AbortSignal.timeout and AbortSignal.any cost several times as much per event).
 */
function attemptSignal(timeoutMs: number | undefined, deps: DeliveryDeps): { signal: AbortSignal; release(): void } {
  if (timeoutMs === undefined) return { signal: deps.closed, release: () => undefined };
  if (deps.timeoutSignal) return { signal: AbortSignal.any([deps.closed, deps.timeoutSignal(timeoutMs)]), release: () => undefined };
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException(`no answer within the delivery timeout of ${timeoutMs} ms`, 'TimeoutError')), timeoutMs);
  const close = (): void => controller.abort(deps.closed.reason);
  deps.closed.addEventListener('abort', close, { once: true });
  return {
    signal: controller.signal,
    release: () => {
      clearTimeout(timer);
      deps.closed.removeEventListener('abort', close);
    },
  };
}

async function attemptOnce(route: ResolvedRoute, event: Envelope, attempt: number, deps: DeliveryDeps): Promise<AttemptResult> {
  const { signal, release } = attemptSignal(attemptTimeoutMs(route.delivery), deps);
  const result = await sendAttempt(route.url, event.message, { signal, ...(route.inProcess ? { inProcess: route.inProcess } : {}) }).finally(release);
  const outcome = result.kind === 'response' ? result.status : result.message;
  const { id = '', type = '' } = event.attributes;
  deps.onAttempt?.({ trigger: route.trigger.name, url: route.url, eventId: id, eventType: type, attempt, outcome });
  return result;
}

export async function deliver(route: ResolvedRoute, event: Envelope, deps: DeliveryDeps): Promise<DeliveryOutcome> {
  const attempts = maxAttempts(route.delivery);
  for (let attempt = 1; ; attempt++) {
    if (deps.closed.aborted) return { kind: 'abandoned', attempts: attempt - 1 };
    const result = await attemptOnce(route, event, attempt, deps);
    if (deps.closed.aborted) return { kind: 'abandoned', attempts: attempt };
    if (isSuccess(result)) return { kind: 'delivered', attempts: attempt, headers: result.headers, body: result.body };
    const { code, body, retryable } = failure(result);
    if (!retryable || attempt >= attempts) return { kind: 'failed', attempts: attempt, code, body };
    await waitUnlessClosed(deps.delay(backoffMs(route.delivery, attempt)), deps.closed);
  }
}

// An injected delay may never end on its own; closing the broker must still end the wait.
async function waitUnlessClosed(wait: Promise<void>, closed: AbortSignal): Promise<void> {
  let stop = (): void => undefined;
  const closing = new Promise<void>((done) => {
    stop = done;
    closed.addEventListener('abort', stop, { once: true });
  });
  try {
    await Promise.race([wait, closing]);
  } finally {
    closed.removeEventListener('abort', stop);
  }
}
