import type { CloudEvent } from 'cloudevents';
import { toBinaryMessage } from '../../shared/events/index.js';

/** Puts one event into the Broker; resolves once the Broker has accepted it. */
export type Emit = (event: CloudEvent<unknown>) => Promise<void>;

/** No K_SINK: the SinkBinding that gives the sweep the Broker's address is missing (HTTP 500, retried). */
export class SinkMissingError extends Error {
  override name = 'SinkMissingError';
}

/** The Broker did not accept an event (not 2xx). */
export class EventRefusedError extends Error {
  override name = 'EventRefusedError';
}

/** An event type the function's descriptor does not list would be routed by no Trigger: a bug. */
export class UndeclaredEventError extends Error {
  override name = 'UndeclaredEventError';
}

const SEND_TIMEOUT_MS = 10_000;

/**
 * The sweep emits many events per ping, so it cannot answer with one reply as the other functions do: it
 * POSTs them, in binary mode, to K_SINK, which the SinkBinding `resync` injects (ADR 0010).
 */
export function emitterFromEnv(declared: readonly string[], env: NodeJS.ProcessEnv = process.env): Emit {
  const sink = env.K_SINK;
  if (!sink) throw new SinkMissingError('K_SINK is not set: the SinkBinding "resync" of knative/private gives this function the Broker\'s address');
  return async (event) => {
    if (!declared.includes(event.type)) throw new UndeclaredEventError(`event type ${event.type} is not declared in emits`);
    const { headers, body } = toBinaryMessage(event);
    const answer = await fetch(sink, { method: 'POST', headers, body, signal: AbortSignal.timeout(SEND_TIMEOUT_MS) });
    await answer.body?.cancel();
    if (!answer.ok) throw new EventRefusedError(`${sink} answered ${answer.status} to ${event.type} about ${event.subject ?? '?'}`);
  };
}
