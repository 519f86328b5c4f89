import type { IncomingMessage } from 'node:http';

export interface WatchHandlers {
  /** The server accepted the watch (200): events follow. */
  onOpen?(): void;
  /** Every chunk of the stream, events and bookmarks alike: the connection is alive. */
  onData?(): void;
  onEvent(type: string, object: Record<string, unknown>): void;
  /** Once: `undefined` when the server ended the stream, else why it broke. */
  done(err: unknown): void;
}

/**
 * Reads a watch response, one JSON event per line. A line that is not JSON ends the watch with an
 * error rather than being skipped: the watch then resumes from the last event it handled.
 */
export function readWatchEvents(body: IncomingMessage, handlers: WatchHandlers): void {
  let buffered = '';
  let ended = false;
  let finished = false;
  const finish = (err: unknown): void => {
    if (finished) return;
    finished = true;
    handlers.done(err);
  };
  body.setEncoding('utf8');
  body.on('data', (chunk: string) => {
    handlers.onData?.();
    buffered += chunk;
    for (let newline = buffered.indexOf('\n'); newline >= 0 && !finished && !body.destroyed; newline = buffered.indexOf('\n')) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (line === '') continue;
      let event: { type: string; object: Record<string, unknown> };
      try {
        event = JSON.parse(line) as typeof event;
      } catch {
        body.destroy();
        finish(new Error(`the watch sent a line that is not JSON: ${line.slice(0, 80)}`));
        return;
      }
      handlers.onEvent(event.type, event.object);
    }
  });
  body.on('end', () => {
    ended = true;
    finish(buffered.trim() === '' ? undefined : new Error('the watch stream ended inside an event'));
  });
  body.on('error', finish);
  body.on('close', () => finish(ended ? undefined : new Error('the watch connection closed before the stream ended')));
}
