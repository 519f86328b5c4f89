import { CloudEvent, HTTP } from 'cloudevents';
import { functionSource, internalRequestSubject } from './types.js';

/** A domain event about one InternalRequest, emitted by `functionName` as the reply to the event it handled. */
export function domainEvent<D extends { namespace: string; name: string }>(functionName: string, type: string, data: D): CloudEvent<D> {
  return new CloudEvent<D>({
    type,
    source: functionSource(functionName),
    subject: internalRequestSubject(data),
    datacontenttype: 'application/json',
    data,
  });
}

/**
 * One CloudEvent as an HTTP request carries it: headers with lower-case names (binary mode: the `ce-`
 * attributes and content-type) and the data as the body. What the embedded default's parts hand each
 * other in-process instead of POSTing it.
 */
export interface EventMessage {
  headers: Record<string, string>;
  body: string;
}

/** What the response to an event's message would carry: its status, and a reply event in binary mode, or a reason. */
export interface EventAnswer extends EventMessage {
  status: number;
}

/** Replies go out in binary mode: the broker reads the attributes from headers and the data as the body. */
export function toBinaryMessage(event: CloudEvent<unknown>): EventMessage {
  const message = HTTP.binary(event);
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(message.headers)) {
    if (value !== undefined) headers[key] = String(value);
  }
  return { headers, body: typeof message.body === 'string' ? message.body : JSON.stringify(message.body) };
}
