/**
 * Reads a CloudEvent from an HTTP message the way Knative's dispatcher and ingress tell them
 * apart: binary mode has a ce-specversion header, structured mode a content type
 * application/cloudevents…; anything else is not an event at all.
 *
 * Like Knative's broker, this one routes by attributes and passes the data on as the bytes it was
 * given: a binary-mode event (what every source and function of this system sends) keeps its message
 * as it came, data unparsed; any other is read by the CloudEvents SDK and put in binary mode once.
 */
import { CloudEvent, HTTP } from 'cloudevents';
import type { CloudEventV1 } from 'cloudevents';
import type { EventMessage } from '../../shared/events/index.js';

/** An event on its way through the broker: the attributes Triggers filter on, and the message delivered. */
export interface Envelope {
  /** Every attribute but the data, extensions included, as strings. */
  readonly attributes: Readonly<Record<string, string>>;
  /** Binary mode: `ce-` headers and content-type (lower-case names), and the data as the body. */
  readonly message: EventMessage;
}

export type Decoded =
  | { kind: 'none' }
  | { kind: 'event'; envelope: Envelope }
  | { kind: 'invalid'; message: string };

const HEADER_PREFIX = 'ce-';
const REQUIRED = ['id', 'source', 'type'] as const;

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

/** What the spec requires of a 1.0 event's attributes: id, source and type set, a time that reads as one. */
export function attributeProblems(attributes: Readonly<Record<string, string>>): string[] {
  const found = REQUIRED.filter((name) => (attributes[name] ?? '') === '').map((name) => `${name} is required`);
  const { time } = attributes;
  if (time !== undefined && Number.isNaN(Date.parse(time))) found.push(`time is not a timestamp: ${time}`);
  return found;
}

/** A binary-mode 1.0 message as it came: attributes from its headers, the body untouched. */
function fromBinary(headers: Record<string, string>, body: string): Decoded {
  const attributes: Record<string, string> = {};
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith(HEADER_PREFIX)) continue;
    attributes[name.slice(HEADER_PREFIX.length)] = value;
    kept[name] = value;
  }
  const contentType = headers['content-type'];
  if (contentType !== undefined) {
    attributes.datacontenttype = contentType;
    kept['content-type'] = contentType;
  }
  const found = attributeProblems(attributes);
  if (found.length > 0) return { kind: 'invalid', message: `invalid CloudEvent: ${found.join('; ')}` };
  return { kind: 'event', envelope: { attributes, message: { headers: kept, body } } };
}

/** An event the SDK built, in binary mode: what the broker delivers. */
export function envelopeOf(event: CloudEventV1<unknown>): Envelope {
  const binary = HTTP.binary(event);
  const headers: Record<string, string> = {};
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(binary.headers)) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    headers[key] = String(value);
    if (key.startsWith(HEADER_PREFIX)) attributes[key.slice(HEADER_PREFIX.length)] = String(value);
  }
  if (headers['content-type'] !== undefined) attributes.datacontenttype = headers['content-type'];
  const { body } = binary;
  const text = body === undefined || body === null ? '' : typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : JSON.stringify(body);
  return { attributes, message: { headers, body: text } };
}

/** The SDK's reading of a message, validated once. */
function readBySdk(headers: Record<string, string>, body: string): CloudEvent<unknown> {
  const parsed = withoutStackTraces(() => HTTP.toEvent({ headers, body }));
  if (Array.isArray(parsed)) throw new Error('expected one event, not a batch');
  // toEvent builds the event without validating it: validated here, once.
  const event = parsed instanceof CloudEvent ? (parsed as CloudEvent<unknown>) : new CloudEvent<unknown>(parsed as CloudEvent<unknown>, false);
  withoutStackTraces(() => event.validate());
  return event;
}

/** `headers` with lower-case names, as node:http and fetch give them. */
export function decodeEvent(headers: Record<string, string>, body: string): Decoded {
  if (!isCloudEventEncoded(headers)) return { kind: 'none' };
  if (headers['ce-specversion'] === '1.0') return fromBinary(headers, body);
  try {
    return { kind: 'event', envelope: envelopeOf(readBySdk(headers, body)) };
  } catch (error) {
    return { kind: 'invalid', message: `invalid CloudEvent: ${problems(error)}` };
  }
}

/**
 * The event of an envelope as the SDK reads it, data parsed, for dead letters and their listing; with
 * the data as the text it came as when the SDK cannot read it (the broker never judged the data).
 */
export function eventOf(envelope: Envelope): CloudEvent<unknown> {
  try {
    return readBySdk(envelope.message.headers, envelope.message.body);
  } catch {
    return new CloudEvent<unknown>({ ...envelope.attributes, data: envelope.message.body }, false);
  }
}
