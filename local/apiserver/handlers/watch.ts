/**
 * WATCH: a chunked stream of `{"type","object"}` lines. From resourceVersion "" or "0" it starts with
 * a synthetic ADDED per current object; from N it replays retained events after N, or sends one ERROR
 * event with a 410 Expired Status when N is older than the retained window. Selector watches turn
 * updates that enter or leave the selection into ADDED or DELETED (carrying the state the object left
 * with), as the watch cache of a real server does.
 */
import type { ServerResponse } from 'node:http';
import { present } from '../core.js';
import { selectorOf } from '../list-query.js';
import { apiVersionOf, storageKey } from '../resource-def.js';
import { ApiError } from '../status-errors.js';
import { openStream } from './watch-stream.js';
import type { Call } from '../core.js';
import type { EventType, KubeObject } from '../kube-object.js';
import type { StoredEvent, Watcher } from '../watch-hub.js';
import type { WatchStream } from './watch-stream.js';

/** An object that left a selection, as the watch cache reports it: its previous state at the event's resourceVersion. */
const departed = new WeakMap<StoredEvent, KubeObject>();

function departedObject(event: StoredEvent): KubeObject {
  let object = departed.get(event);
  if (object === undefined) {
    const previous = event.previous ?? event.object;
    object = { ...previous, metadata: { ...previous.metadata, resourceVersion: String(event.rv) } };
    departed.set(event, object);
  }
  return object;
}

/**
 * What a watch reports for an event, as the watch cache decides it from the states after and before:
 * an object entering the selection is ADDED, one leaving it is DELETED, one that matches neither is skipped.
 */
function translate(event: StoredEvent, match: (o: KubeObject) => boolean): { type: EventType; object: KubeObject } | undefined {
  const now = event.type !== 'DELETED' && match(event.object);
  const before = event.type !== 'ADDED' && match(event.previous ?? event.object);
  if (now) return { type: before ? 'MODIFIED' : 'ADDED', object: event.object };
  if (!before) return undefined;
  return { type: 'DELETED', object: event.type === 'DELETED' ? event.object : departedObject(event) };
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

function sendInitialState(call: Call, stream: WatchStream, match: (o: KubeObject) => boolean, namespace: string | undefined): void {
  for (const object of call.core.store.list(storageKey(call.def), namespace)) {
    if (match(object)) stream.write('ADDED', present(call.def, object));
  }
  if (call.query.get('sendInitialEvents') === 'true' && call.query.get('allowWatchBookmarks') === 'true') {
    stream.write('BOOKMARK', bookmark(call, { 'k8s.io/initial-events-end': 'true' }));
  }
}

function subscribe(call: Call, stream: WatchStream, watcher: Watcher, match: (o: KubeObject) => boolean): (() => void) | undefined {
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
  const timers: NodeJS.Timeout[] = [];
  let unsubscribe: (() => void) | undefined = undefined;
  let finished = false;
  const finish = (graceful: boolean): void => {
    finished = true;
    unsubscribe?.();
    timers.forEach((t) => clearTimeout(t));
    if (graceful) stream.end();
    else stream.destroy();
  };
  const watcher: Watcher = {
    key: storageKey(def),
    namespace: def.namespaced ? call.info.namespace : undefined,
    deliver(event) {
      if (finished) return;
      if (stream.overloaded) return finish(true);
      const seen = translate(event, match);
      if (seen) stream.write(seen.type, present(def, seen.object));
    },
    close: finish,
  };
  unsubscribe = subscribe(call, stream, watcher, match);
  if (!unsubscribe || finished) return finish(true);
  const timeout = parseTimeout(query);
  if (timeout !== undefined) timers.push(setTimeout(() => finish(true), timeout));
  if (query.get('allowWatchBookmarks') === 'true') {
    timers.push(setInterval(() => stream.write('BOOKMARK', bookmark(call)), call.core.bookmarkIntervalMs));
  }
  res.on('close', () => finish(true));
}
