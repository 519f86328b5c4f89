/**
 * WATCH: a chunked stream of `{"type","object"}` lines. From resourceVersion "" or "0" it starts with
 * a synthetic ADDED per current object; from N it replays retained events after N, or sends one ERROR
 * event with a 410 Expired Status when N is older than the retained window. Selector watches turn
 * updates that enter or leave the selection into ADDED or DELETED, as a real server does.
 */
import type { ServerResponse } from 'node:http';
import { present } from '../core.js';
import { selectorOf } from '../list-query.js';
import { apiVersionOf, storageKey } from '../resource-def.js';
import { ApiError } from '../status-errors.js';
import { toTable, wantsTable } from '../tables.js';
import type { Call } from '../core.js';
import type { EventType, KubeObject } from '../kube-object.js';
import type { StoredEvent, Watcher } from '../watch-hub.js';

const serialized = new WeakMap<KubeObject, string>();

function objectJson(object: KubeObject): string {
  let text = serialized.get(object);
  if (text === undefined) serialized.set(object, (text = JSON.stringify(object)));
  return text;
}

interface Stream { write(type: string, object: unknown): void; end(): void; destroy(): void }

function openStream(call: Call, res: ServerResponse): Stream {
  res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
  res.flushHeaders();
  const table = wantsTable(call.headers.accept);
  let firstTable = true;
  return {
    write(type, object) {
      if (res.writableEnded || res.destroyed) return;
      if (table && type !== 'ERROR' && type !== 'BOOKMARK') {
        const listMeta = { resourceVersion: (object as KubeObject).metadata.resourceVersion };
        object = toTable(call.def, [object as KubeObject], { now: call.core.now(), includeObject: call.query.get('includeObject'), withColumns: firstTable, listMeta });
        firstTable = false;
      }
      const body = object !== null && typeof object === 'object' && !table && 'metadata' in object && type !== 'BOOKMARK'
        ? objectJson(object as KubeObject) : JSON.stringify(object);
      res.write(`{"type":"${type}","object":${body}}\n`);
    },
    end: () => res.end(),
    destroy: () => res.destroy(),
  };
}

/** What a selector watch reports for an event, or nothing when neither state matches. */
function translate(event: StoredEvent, match: (o: KubeObject) => boolean): EventType | undefined {
  const now = match(event.object);
  if (event.type !== 'MODIFIED' || !event.previous) return now ? event.type : undefined;
  const before = match(event.previous);
  if (now) return before ? 'MODIFIED' : 'ADDED';
  return before ? 'DELETED' : undefined;
}

function bookmark(call: Call, annotations?: Record<string, string>): object {
  const metadata: Record<string, unknown> = { resourceVersion: String(call.core.store.currentRevision) };
  if (annotations) metadata.annotations = annotations;
  return { kind: call.def.kind, apiVersion: apiVersionOf(call.def), metadata };
}

function parseTimeout(query: URLSearchParams): number | undefined {
  const text = query.get('timeoutSeconds');
  const seconds = text === null ? NaN : Number(text);
  return seconds > 0 ? seconds * 1000 : undefined;
}

function sendInitialState(call: Call, stream: Stream, match: (o: KubeObject) => boolean, namespace: string | undefined): void {
  for (const object of call.core.store.list(storageKey(call.def), namespace)) {
    if (match(object)) stream.write('ADDED', present(call.def, object));
  }
  if (call.query.get('sendInitialEvents') === 'true' && call.query.get('allowWatchBookmarks') === 'true') {
    stream.write('BOOKMARK', bookmark(call, { 'k8s.io/initial-events-end': 'true' }));
  }
}

function subscribe(call: Call, stream: Stream, watcher: Watcher, match: (o: KubeObject) => boolean): (() => void) | undefined {
  const rvText = call.query.get('resourceVersion');
  const fromScratch = rvText === null || rvText === '' || rvText === '0';
  const since = fromScratch ? call.core.store.currentRevision : Number(rvText);
  try {
    if (fromScratch) sendInitialState(call, stream, match, watcher.namespace);
    return call.core.hub.subscribe(watcher, Number.isFinite(since) ? since : 0);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    stream.write('ERROR', error.toStatus());
    stream.end();
    return undefined;
  }
}

export function handleWatch(call: Call, res: ServerResponse): void {
  const { def, query } = call;
  const { match } = selectorOf(def, query);
  const stream = openStream(call, res);
  const namespace = def.namespaced ? call.info.namespace : undefined;
  const watcher: Watcher = {
    key: storageKey(def),
    namespace,
    deliver(event) {
      const type = translate(event, match);
      if (type) stream.write(type, present(def, event.object));
    },
    close: (graceful) => (graceful ? stream.end() : stream.destroy()),
  };
  const unsubscribe = subscribe(call, stream, watcher, match);
  if (!unsubscribe) return;
  const timers: NodeJS.Timeout[] = [];
  const timeout = parseTimeout(query);
  if (timeout !== undefined) timers.push(setTimeout(() => stream.end(), timeout));
  if (query.get('allowWatchBookmarks') === 'true') {
    timers.push(setInterval(() => stream.write('BOOKMARK', bookmark(call)), call.core.bookmarkIntervalMs));
  }
  res.on('close', () => {
    unsubscribe();
    timers.forEach((t) => clearTimeout(t));
  });
}
