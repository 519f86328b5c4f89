import { CloudEvent, HTTP, ValidationError } from 'cloudevents';
import { errorText } from '../observability/error-text.js';
import { MalformedEventError } from './malformed-event-error.js';

/** An HTTP request as far as the CloudEvents HTTP binding cares: headers and the raw or parsed body. */
export interface HttpMessage {
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  /** The body as a JSON parser already read it (functions-framework reads every application/json body), so it is not parsed twice. */
  json?: unknown;
}

function flattenHeaders(headers: HttpMessage['headers']): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (value !== undefined) flat[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

/** The content types whose data the SDK's binary mode parses as JSON (its parserByContentType). */
const JSON_CONTENT_TYPES: ReadonlySet<string> = new Set(['application/json', 'application/json; charset=utf-8']);
/** With this set, the SDK parses JSON data with json-bigint: such events take the SDK's own path. */
const BIG_INT_JSON = process.env.CE_USE_BIG_INT === 'true';

/** As the SDK's DateParser reads `ce-time`: an ISO string, and now for a date it cannot read. */
function isoTime(value: string): string {
  const parsed = Date.parse(value);
  return (Number.isNaN(parsed) ? new Date() : new Date(parsed)).toISOString();
}

/**
 * The event every broker and source of this system sends, binary mode (spec 1.0) with a JSON object as
 * data, read exactly as the SDK's HTTP binding reads it (message/http/index.js, parseBinary), but without
 * its JSON parser, which builds two ValidationErrors on every call, stack traces and all, whether or not
 * anything is wrong. Undefined for any other message: the SDK reads those.
 */
function fromPlainBinary(headers: Record<string, string>, message: HttpMessage): CloudEvent<unknown> | undefined {
  const contentType = headers['content-type'] ?? '';
  if (BIG_INT_JSON || headers['ce-id'] === undefined || headers['ce-specversion'] !== '1.0' || !JSON_CONTENT_TYPES.has(contentType)) return undefined;
  const data = jsonObjectOf(message);
  if (data === undefined) return undefined;
  const attributes: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith('ce-')) attributes[name.slice('ce-'.length)] = value;
  }
  if (typeof attributes.time === 'string') attributes.time = isoTime(attributes.time);
  return new CloudEvent<unknown>({ ...attributes, datacontenttype: contentType, data }, false);
}

/** The body as a JSON object: as already parsed, or parsed here; undefined for anything else. */
function jsonObjectOf(message: HttpMessage): object | undefined {
  const { json } = message;
  if (typeof json === 'object' && json !== null && !Array.isArray(json)) return json;
  const { body } = message;
  return typeof body === 'string' && body.startsWith('{') ? (JSON.parse(body) as object) : undefined;
}

function describe(err: unknown): string {
  if (err instanceof ValidationError && Array.isArray(err.errors)) {
    const problems = err.errors.map((e) => (typeof e === 'object' && e !== null ? describeSchemaError(e) : String(e)));
    return problems.length ? problems.join('; ') : err.message;
  }
  return errorText(err);
}

function describeSchemaError(e: object): string {
  const { instancePath, message } = e as { instancePath?: string; message?: string };
  return `${instancePath || 'event'} ${message ?? JSON.stringify(e)}`.trim();
}

/**
 * Reads a binary- or structured-mode CloudEvent and checks its attributes against the spec, once. The SDK
 * builds events leniently; `validate()` is what catches a missing `source` or `type`. The data are
 * checked by each function's zod schema (accept.ts).
 */
export function parseCloudEvent(message: HttpMessage): CloudEvent<unknown> {
  let parsed: CloudEvent<unknown> | CloudEvent<unknown>[];
  try {
    const headers = flattenHeaders(message.headers);
    // The HTTP binding always builds CloudEvent instances; its signature only promises the interface.
    parsed = fromPlainBinary(headers, message) ?? (HTTP.toEvent<unknown>({ headers, body: message.body }) as CloudEvent<unknown> | CloudEvent<unknown>[]);
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
