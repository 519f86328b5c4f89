/** One delivery attempt: a binary-mode CloudEvent POSTed with `Prefer: reply`, as Knative does. */
import { HTTP } from 'cloudevents';
import type { CloudEventV1 } from 'cloudevents';

export type AttemptResult =
  | { kind: 'response'; status: number; headers: Record<string, string>; body: string }
  | { kind: 'error'; message: string };

export interface AttemptOptions {
  /** Aborts the request when it fires; undefined = no per-attempt timeout. */
  signal?: AbortSignal;
}

function headerRecord(headers: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = String(value);
  }
  return out;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}

export async function sendAttempt(url: string, event: CloudEventV1<unknown>, options: AttemptOptions = {}): Promise<AttemptResult> {
  const message = HTTP.binary(event);
  const body = message.body as string | Buffer | undefined;
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { ...headerRecord(message.headers), prefer: 'reply' },
      ...(body === undefined ? {} : { body }),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const headers = Object.fromEntries(response.headers.entries());
    return { kind: 'response', status: response.status, headers, body: await response.text() };
  } catch (error) {
    // Like Knative's dispatcher, a transport error or timeout reads as "dispatch error: …".
    return { kind: 'error', message: `dispatch error: ${describe(error)}` };
  }
}
