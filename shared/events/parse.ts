import { HTTP, ValidationError } from 'cloudevents';
import type { CloudEvent } from 'cloudevents';
import { MalformedEventError } from './malformed-event-error.js';

/** An HTTP request as far as the CloudEvents HTTP binding cares: headers and the raw or parsed body. */
export interface HttpMessage {
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

function flattenHeaders(headers: HttpMessage['headers']): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (value !== undefined) flat[key] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

function describe(err: unknown): string {
  if (err instanceof ValidationError && Array.isArray(err.errors)) {
    const problems = err.errors.map((e) => (typeof e === 'object' && e !== null ? describeSchemaError(e) : String(e)));
    return problems.length ? problems.join('; ') : err.message;
  }
  return err instanceof Error ? err.message : String(err);
}

function describeSchemaError(e: object): string {
  const { instancePath, message } = e as { instancePath?: string; message?: string };
  return `${instancePath || 'event'} ${message ?? JSON.stringify(e)}`.trim();
}

/**
 * Reads a binary- or structured-mode CloudEvent and checks its attributes against the spec. The SDK
 * builds events leniently; `validate()` is what catches a missing `source` or `type`.
 */
export function parseCloudEvent(message: HttpMessage): CloudEvent<unknown> {
  let parsed: CloudEvent<unknown> | CloudEvent<unknown>[];
  try {
    // The HTTP binding always builds CloudEvent instances; its signature only promises the interface.
    parsed = HTTP.toEvent<unknown>({ headers: flattenHeaders(message.headers), body: message.body }) as CloudEvent<unknown> | CloudEvent<unknown>[];
  } catch (err) {
    if (err instanceof SyntaxError) throw new MalformedEventError(`invalid JSON: ${err.message}`);
    throw new MalformedEventError(`not a CloudEvent: ${describe(err)}`);
  }
  if (Array.isArray(parsed)) throw new MalformedEventError('batched CloudEvents are not accepted: send one event per request');
  try {
    parsed.validate();
  } catch (err) {
    throw new MalformedEventError(`invalid CloudEvent: ${describe(err)}`);
  }
  return parsed;
}
