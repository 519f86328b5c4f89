import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { KubeReader, watchResources } from '../../shared/watch/index.js';
import type { ResourceWatch, ResourceWatchHandlers } from '../../shared/watch/index.js';
import { eventually } from '../sources/support/cluster.js';
import { captureLog } from '../sources/support/log-capture.js';
import { FakeApiServer } from './support/fake-api-server.js';

const RESOURCE = { apiVersion: 'appstudio.redhat.com/v1alpha1', kind: 'InternalRequest', plural: 'internalrequests' };
const request = (name: string): object => ({ ...RESOURCE, metadata: { name, namespace: 'tenant', uid: `uid-${name}`, resourceVersion: '3' }, spec: { big: 'x'.repeat(100) } });

let server: FakeApiServer;
let watch: ResourceWatch | undefined;

beforeEach(async () => (server = await FakeApiServer.start()));
afterEach(async () => {
  await watch?.stop();
  await server.stop();
});

function startWatch(handlers: ResourceWatchHandlers, pageSize?: number): ResourceWatch {
  watch = watchResources({ reader: new KubeReader(server.access), resource: RESOURCE, handlers, log: captureLog().log, delay: async () => undefined, pageSize });
  return watch;
}

describe('watchResources: the list', () => {
  it('when the objects fill several pages, then each page is handed over as adds before the next is asked for, and the relist reports identities only', async () => {
    server.items = ['a', 'b', 'c', 'd', 'e'].map(request);
    const calls: string[] = [];
    startWatch({
      onRelistStart: () => calls.push(`start (${server.lists.length} lists asked)`),
      onChange: (kind, obj) => calls.push(`${kind} ${obj.metadata?.name} (${server.lists.length} lists asked)`),
      onRelist: (listed) => calls.push(`relisted ${JSON.stringify(listed)}`),
    }, 2);
    await watch?.synced;
    expect(calls).toEqual([
      'start (0 lists asked)',
      'add a (1 lists asked)',
      'add b (1 lists asked)',
      'add c (2 lists asked)',
      'add d (2 lists asked)',
      'add e (3 lists asked)',
      `relisted ${JSON.stringify(['a', 'b', 'c', 'd', 'e'].map((name) => ({ apiVersion: RESOURCE.apiVersion, kind: RESOURCE.kind, metadata: { name, namespace: 'tenant', uid: `uid-${name}` } })))}`,
    ]);
    expect(server.lists.map((l) => [l.query.get('limit'), l.query.get('continue')])).toEqual([['2', null], ['2', '2'], ['2', '4']]);
  });

  it('when the handlers are full, then the list waits for room and then asks for no more objects than fit', async () => {
    server.items = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map(request);
    let pending = 0;
    let wake: () => void = () => undefined;
    const source = startWatch({
      onChange: () => void (pending += 1),
      backpressure: { free: () => 3 - pending, room: () => new Promise<void>((resolve) => (wake = resolve)) },
    });
    await eventually(() => source.stats().paused === 1, 'the list to wait for room');
    expect(pending).toBe(3);
    pending = 1; // two were sent
    wake();
    await eventually(() => source.stats().paused === 2, 'the list to wait again');
    expect(pending).toBe(3);
    pending = 0;
    wake();
    await source.synced;
    expect(server.lists.map((l) => l.query.get('limit'))).toEqual(['3', '2', '3']);
    expect(source.stats()).toMatchObject({ lists: 1, paused: 2 });
  });
});
