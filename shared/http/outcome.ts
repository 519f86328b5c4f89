import type { CloudEvent } from 'cloudevents';

/**
 * What a handler decided. `note` is a few words for the log line ("admitted", "already completed").
 * done → 204 No Content; reply → 200 with the event in binary mode, which the broker routes onward.
 */
export type Outcome = { kind: 'done'; note: string } | { kind: 'reply'; note: string; event: CloudEvent<unknown> };

export function done(note: string): Outcome {
  return { kind: 'done', note };
}

export function reply(event: CloudEvent<unknown>, note: string): Outcome {
  return { kind: 'reply', note, event };
}
