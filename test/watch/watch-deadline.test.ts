import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { KubeReader, watchResources } from '../../shared/watch/index.js';
import type { ChangeKind, ResourceWatch } from '../../shared/watch/index.js';
import { eventually } from '../sources/support/cluster.js';
import { captureLog } from '../sources/support/log-capture.js';
import type { CapturedLine } from '../sources/support/log-capture.js';
import { FakeApiServer } from './support/fake-api-server.js';
import { ManualDeadlines } from './support/manual-deadlines.js';

const RESOURCE = { apiVersion: 'appstudio.redhat.com/v1alpha1', kind: 'InternalRequest', plural: 'internalrequests' };
const request = (name: string, resourceVersion: string): object => ({ ...RESOURCE, metadata: { name, namespace: 'tenant', uid: name, resourceVersion } });

let server: FakeApiServer;
let deadlines: ManualDeadlines;
let watch: ResourceWatch | undefined;
let changes: Array<[ChangeKind, string | undefined]>;
let lines: CapturedLine[];

beforeEach(async () => {
  server = await FakeApiServer.start();
  deadlines = new ManualDeadlines();
  changes = [];
});
afterEach(async () => {
  await watch?.stop();
  await server.stop();
});

function startWatch(): ResourceWatch {
  const captured = captureLog();
  lines = captured.lines;
  watch = watchResources({
    reader: new KubeReader(server.access),
    resource: RESOURCE,
    handlers: { onChange: (kind, obj) => changes.push([kind, obj.metadata?.name]) },
    log: captured.log,
    delay: async () => undefined,
    startDeadline: deadlines.start,
    watchTimeoutSeconds: 60,
  });
  return watch;
}

describe('list and watch deadlines', () => {
  it('when a watch goes silent (a half-open connection), then at its deadline it is abandoned and watched again from the last event', async () => {
    const source = startWatch();
    await eventually(() => source.stats().connected === 1, 'the watch to be accepted');
    server.send(0, { type: 'ADDED', object: request('before-silence', '7') });
    await eventually(() => changes.length === 1, 'the event');
    const [watchDeadline] = deadlines.running;
    expect(watchDeadline?.ms).toBe(75_000); // timeoutSeconds (60 s) and 15 s of slack
    watchDeadline?.expire();
    await eventually(() => server.watches.length === 2, 'a new watch');
    await eventually(() => server.watches[0]?.closed === true, 'the silent connection to be closed');
    expect(server.watches[1]?.query.get('resourceVersion')).toBe('7');
    expect(server.watches[1]?.query.get('timeoutSeconds')).toBe('60');
    expect(server.watches[1]?.query.get('allowWatchBookmarks')).toBe('true');
    expect(source.stats()).toMatchObject({ lists: 1, watches: 2, silent: 1, failures: 1 });
    expect(lines.filter((l) => l.level === 'warn')).toEqual([
      expect.objectContaining({ message: 'watch failed; retrying', error: 'the watch sent nothing for 75000 ms (timeoutSeconds 60)' }),
    ]);
  });

  it('when bytes arrive, events and bookmarks alike, then the watch deadline starts over with each', async () => {
    const source = startWatch();
    await eventually(() => source.stats().connected === 1, 'the watch to be accepted');
    const [watchDeadline] = deadlines.running;
    const touchesWhenAccepted = watchDeadline?.touches ?? 0;
    server.send(0, { type: 'BOOKMARK', object: { ...RESOURCE, metadata: { resourceVersion: '9' } } });
    server.send(0, { type: 'ADDED', object: request('alive', '10') });
    await eventually(() => changes.length === 1, 'the event');
    expect(watchDeadline?.touches).toBeGreaterThan(touchesWhenAccepted);
    expect(source.stats()).toMatchObject({ watches: 1, silent: 0 });
  });

  it('when a list gets no answer, then at its deadline it is given up and listed again', async () => {
    server.holdLists = true;
    const source = startWatch();
    await eventually(() => server.lists.length === 1, 'the list request');
    const [listDeadline] = deadlines.running;
    expect(listDeadline?.ms).toBe(70_000);
    server.holdLists = false;
    server.items = [request('listed', '4')];
    listDeadline?.expire();
    await source.synced;
    await eventually(() => server.lists[0]?.closed === true, 'the silent list to be closed');
    expect(changes).toEqual([['add', 'listed']]);
    expect(source.stats()).toMatchObject({ lists: 1, silent: 1, failures: 1 });
    expect(lines.filter((l) => l.level === 'warn')).toEqual([expect.objectContaining({ message: 'list failed; retrying', error: 'the list got no answer for 70000 ms' })]);
  });

  it('when a watch ends normally, then its deadline is cleared and a new one guards the next watch', async () => {
    const source = startWatch();
    await eventually(() => source.stats().connected === 1, 'the watch to be accepted');
    server.watches[0]?.res.end();
    await eventually(() => source.stats().connected === 2, 'the next watch');
    expect(deadlines.started.map((d) => d.cleared)).toEqual([true, true, false]); // list, first watch, second watch
  });
});
