import { describe, expect, it } from '@jest/globals';
import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { readWatchEvents } from './watch-lines.js';

/** A watch response body the test writes into, and what the reader made of it. */
function watchBody(): { body: PassThrough; events: string[]; chunks: () => number; done: Promise<unknown> } {
  const body = new PassThrough();
  const events: string[] = [];
  let chunks = 0;
  const done = new Promise<unknown>((resolve) => {
    readWatchEvents(body as unknown as IncomingMessage, {
      onData: () => void (chunks += 1),
      onEvent: (type, object) => events.push(`${type} ${(object['metadata'] as { name: string }).name}`),
      done: resolve,
    });
  });
  return { body, events, chunks: () => chunks, done };
}

const line = (type: string, name: string): string => `${JSON.stringify({ type, object: { metadata: { name } } })}\n`;

describe('readWatchEvents', () => {
  it('when events arrive split across chunks, then each is handed over whole, once, in order, and the end is clean', async () => {
    const { body, events, chunks, done } = watchBody();
    const text = line('ADDED', 'a') + line('MODIFIED', 'a') + line('DELETED', 'a');
    body.write(text.slice(0, 10));
    body.write(text.slice(10, 70));
    body.end(text.slice(70));
    await expect(done).resolves.toBeUndefined();
    expect(events).toEqual(['ADDED a', 'MODIFIED a', 'DELETED a']);
    expect(chunks()).toBeGreaterThanOrEqual(1);
  });

  it('when a line is not JSON, then the watch ends with an error instead of skipping an event', async () => {
    const { body, events, done } = watchBody();
    body.write(line('ADDED', 'a') + '{"type":"ADDED",\n' + line('ADDED', 'b'));
    await expect(done).resolves.toThrow('the watch sent a line that is not JSON: {"type":"ADDED",');
    expect(events).toEqual(['ADDED a']);
  });

  it('when the connection breaks before the stream ends, then the watch ends with an error', async () => {
    const { body, events, done } = watchBody();
    body.write(line('ADDED', 'a'));
    body.destroy();
    await expect(done).resolves.toThrow('the watch connection closed before the stream ended');
    expect(events).toEqual(['ADDED a']);
  });

  it('when the stream ends in the middle of an event, then the watch ends with an error', async () => {
    const { body, done } = watchBody();
    body.end('{"type":"ADDED","obj');
    await expect(done).resolves.toThrow('the watch stream ended inside an event');
  });
});
