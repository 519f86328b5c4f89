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

/** `headers` with lower-case names, as node:http and fetch give them. */
export function decodeEvent(headers: Record<string, string>, body: string): Decoded {
  if (!isCloudEventEncoded(headers)) return { kind: 'none' };
  try {
    const parsed = HTTP.toEvent({ headers, body });
    if (Array.isArray(parsed)) return { kind: 'invalid', message: 'expected one event, not a batch' };
    const event = new CloudEvent<unknown>(parsed as CloudEvent<unknown>, false);
    event.validate();
    return { kind: 'event', event };
  } catch (error) {
    return { kind: 'invalid', message: `invalid CloudEvent: ${problems(error)}` };
  }
}
