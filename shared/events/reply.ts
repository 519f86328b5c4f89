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

/** Replies go out in binary mode: the broker reads the attributes from headers and the data as the body. */
export function toBinaryMessage(event: CloudEvent<unknown>): { headers: Record<string, string>; body: string } {
  const message = HTTP.binary(event);
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(message.headers)) {
    if (value !== undefined) headers[key] = String(value);
  }
  return { headers, body: typeof message.body === 'string' ? message.body : JSON.stringify(message.body) };
}
