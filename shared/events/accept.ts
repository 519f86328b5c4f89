import type { CloudEvent } from 'cloudevents';
import type { z } from 'zod';
import { MalformedEventError } from './malformed-event-error.js';

/** One kind of event a function accepts: its type, for ApiServerSource events the object kind, and its data. */
export interface EventSpec<T extends string = string, S extends z.ZodType = z.ZodType> {
  type: T;
  kind?: string;
  data: S;
}

/** An accepted event with validated data. Attributes only: it is a hint, the API server has the truth. */
export interface ReceivedEvent<T extends string = string, D = unknown> {
  id: string;
  type: T;
  source: string;
  subject: string | undefined;
  data: D;
}

export type ReceivedOf<Specs extends readonly EventSpec[]> = {
  [K in keyof Specs]: Specs[K] extends EventSpec<infer T, infer S> ? ReceivedEvent<T, z.output<S>> : never;
}[number];

function kindOf(event: CloudEvent<unknown>): string | undefined {
  if (typeof event.kind === 'string') return event.kind;
  const data = event.data as { kind?: unknown } | undefined;
  return typeof data?.kind === 'string' ? data.kind : undefined;
}

function formatIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
}

function specFor(event: CloudEvent<unknown>, specs: readonly EventSpec[]): EventSpec {
  const sameType = specs.filter((s) => s.type === event.type);
  if (sameType.length === 0) {
    const types = [...new Set(specs.map((s) => s.type))].join(', ');
    throw new MalformedEventError(`event type "${event.type}" is not accepted here (accepted: ${types})`);
  }
  const kind = kindOf(event);
  const spec = sameType.find((s) => s.kind === undefined || s.kind === kind);
  if (!spec) {
    const kinds = sameType.map((s) => s.kind).join(', ');
    throw new MalformedEventError(`event of type "${event.type}" is about kind "${kind ?? '(none)'}", not ${kinds}`);
  }
  return spec;
}

function checkData(event: CloudEvent<unknown>): object {
  const { data } = event;
  if (data === undefined || data === null || data === '') throw new MalformedEventError(`event of type "${event.type}" has no data`);
  if (typeof data !== 'object' || Buffer.isBuffer(data) || Array.isArray(data)) {
    throw new MalformedEventError(`data of event type "${event.type}" is not a JSON object`);
  }
  return data;
}

/** Matches an event to the first spec of its type (and kind), then validates its data with that spec's schema. */
export function acceptEvent<Specs extends readonly EventSpec[]>(event: CloudEvent<unknown>, specs: Specs): ReceivedOf<Specs> {
  const spec = specFor(event, specs);
  const result = spec.data.safeParse(checkData(event));
  if (!result.success) {
    throw new MalformedEventError(`data of event type "${event.type}" is invalid: ${formatIssues(result.error)}`);
  }
  const received: ReceivedEvent = { id: event.id, type: event.type, source: event.source, subject: event.subject, data: result.data };
  return received as ReceivedOf<Specs>;
}
