/** A failed delivery, as Knative hands it to the dead-letter sink: the original event plus why. */
import type { CloudEventV1 } from 'cloudevents';
import { CloudEvent } from 'cloudevents';

export interface DeadLetter {
  trigger: string;
  /** The dead-letter sink Knative would deliver to; undefined means Knative would drop the event. */
  sink: string | undefined;
  attempts: number;
  /** The original event with knativeerrordest, knativeerrorcode and knativeerrordata added. */
  event: CloudEvent<unknown>;
}

// Knative caps the base64 error body it copies into knativeerrordata.
const ERROR_DATA_MAX_LENGTH = 1024;

export function withErrorExtensions(event: CloudEventV1<unknown>, destination: string, code: number, body: string): CloudEvent<unknown> {
  const data = Buffer.from(body, 'utf8').toString('base64').slice(0, ERROR_DATA_MAX_LENGTH);
  const original = event instanceof CloudEvent ? event : new CloudEvent<unknown>(event, false);
  return original.cloneWith({ knativeerrordest: destination, knativeerrorcode: String(code), knativeerrordata: data }, false);
}
