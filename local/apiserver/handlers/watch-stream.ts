/**
 * The response side of a watch: one `{"type","object"}` line per event (a one-row Table when kubectl
 * asks for tables), each object serialized once however many watchers send it. A client that stops
 * reading is cut off once its unsent backlog passes a bound, as the watch cache drops an unresponsive
 * watcher (the client then watches again from the last resourceVersion it saw): nothing buffers
 * without limit.
 *
 * Lines are gathered and written once per turn of the event loop (setImmediate): every write is a socket
 * write, and on loopback the kernel's delivery to the reader is most of an API server's CPU
 * (docs/performance.md), so the events of one turn (a burst of creates, an initial list) go out as one
 * chunk. Node's own corking joins only the writes of one tick.
 */
import type { ServerResponse } from 'node:http';
import { toTable, wantsTable } from '../tables.js';
import type { Call } from '../core.js';
import type { KubeObject } from '../kube-object.js';

/** Unsent bytes a watch may hold for its client before the server gives up on it. */
const MAX_BACKLOG_BYTES = 16 * 1024 * 1024;

export interface WatchStream {
  write(type: string, object: unknown): void;
  /** Whether the client has fallen so far behind that the watch should end. */
  readonly overloaded: boolean;
  end(): void;
  destroy(): void;
}

const serialized = new WeakMap<KubeObject, string>();

function objectJson(object: KubeObject): string {
  let text = serialized.get(object);
  if (text === undefined) serialized.set(object, (text = JSON.stringify(object)));
  return text;
}

export function openStream(call: Call, res: ServerResponse): WatchStream {
  res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
  res.flushHeaders();
  const table = wantsTable(call.headers.accept);
  let firstTable = true;
  const open = (): boolean => !res.writableEnded && !res.destroyed;
  let pending = '';
  let flushing: NodeJS.Immediate | undefined;
  const flush = (): void => {
    flushing = undefined;
    if (pending === '' || !open()) return;
    const chunk = pending;
    pending = '';
    res.write(chunk);
  };
  return {
    write(type, object) {
      if (!open()) return;
      if (table && type !== 'ERROR' && type !== 'BOOKMARK') {
        const listMeta = { resourceVersion: (object as KubeObject).metadata.resourceVersion };
        object = toTable(call.def, [object as KubeObject], { now: call.core.now(), includeObject: call.query.get('includeObject'), withColumns: firstTable, listMeta });
        firstTable = false;
      }
      const body = object !== null && typeof object === 'object' && !table && 'metadata' in object && type !== 'BOOKMARK'
        ? objectJson(object as KubeObject) : JSON.stringify(object);
      pending += `{"type":"${type}","object":${body}}\n`;
      flushing ??= setImmediate(flush);
    },
    get overloaded() {
      return res.writableLength + pending.length > MAX_BACKLOG_BYTES;
    },
    end: () => {
      if (flushing !== undefined) clearImmediate(flushing);
      flush();
      if (open()) res.end();
    },
    destroy: () => {
      if (flushing !== undefined) clearImmediate(flushing);
      pending = '';
      res.destroy();
    },
  };
}
