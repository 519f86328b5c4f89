/**
 * Reads a CloudEvent from an HTTP message the way Knative's dispatcher and ingress tell them
 * apart: binary mode has a ce-specversion header, structured mode a content type
 * application/cloudevents…; anything else is not an event at all.
 */
import { CloudEvent, HTTP } from 'cloudevents';

export type Decoded =
  | { kind: 'none' }
  | { kind: 'event'; event: CloudEvent<unknown> }
  | { kind: 'invalid'; message: string };

function isCloudEventEncoded(headers: Record<string, string>): boolean {
  const contentType = headers['content-type'] ?? '';
  return headers['ce-specversion'] !== undefined || (contentType.startsWith('application/cloudevents') && !contentType.startsWith('application/cloudevents-batch'));
}

function problems(error: unknown): string {
  const details = (error as { errors?: unknown[] }).errors;
  const base = error instanceof Error ? error.message : String(error);
  return details && details.length > 0 ? `${base}: ${JSON.stringify(details)}` : base;
}

/**
 * The SDK's parsers build a ValidationError on every call, to throw only if the message is bad
 * (`isDefinedOrThrow(payload, new ValidationError(…))`): with no stack to capture, each costs next to
 * nothing. The errors it does throw are read for their message only.
 */
function withoutStackTraces<T>(run: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return run();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** `headers` with lower-case names, as node:http and fetch give them. */
export function decodeEvent(headers: Record<string, string>, body: string): Decoded {
  if (!isCloudEventEncoded(headers)) return { kind: 'none' };
  try {
    const parsed = withoutStackTraces(() => HTTP.toEvent({ headers, body }));
    if (Array.isArray(parsed)) return { kind: 'invalid', message: 'expected one event, not a batch' };
    // toEvent builds the event without validating it: validated here, once.
    const event = parsed instanceof CloudEvent ? (parsed as CloudEvent<unknown>) : new CloudEvent<unknown>(parsed as CloudEvent<unknown>, false);
    withoutStackTraces(() => event.validate());
    return { kind: 'event', event };
  } catch (error) {
    return { kind: 'invalid', message: `invalid CloudEvent: ${problems(error)}` };
  }
}
