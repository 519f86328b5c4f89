import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApiServer } from '../../local/apiserver/index.js';
import type { ApiServer } from '../../local/apiserver/index.js';

const CRD = 'knative/crds/internalrequests.yaml';
const COLLECTION = '/apis/appstudio.redhat.com/v1alpha1/namespaces/team-a/internalrequests';

function call(server: ApiServer, path: string, token?: string): Promise<number> {
  return fetch(`${server.url}${path}`, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } }).then((res) => res.status);
}

describe('request counts per caller on a server with tokens', () => {
  let server: ApiServer;
  beforeAll(async () => {
    server = await startApiServer({
      crdFiles: [CRD],
      namespaces: ['team-a'],
      tokens: {
        watcher: [{ verbs: ['list', 'watch'], resources: ['internalrequests'] }],
        reader: [{ verbs: ['get', 'list'], resources: ['internalrequests'] }],
      },
    });
    server.requests.reset();
    expect(await call(server, COLLECTION, 'watcher')).toBe(200);
    expect(await call(server, COLLECTION, 'reader')).toBe(200);
    expect(await call(server, COLLECTION, 'reader')).toBe(200);
    expect(await call(server, `${COLLECTION}/missing`, 'watcher')).toBe(403);
    expect(await call(server, COLLECTION, 'guess')).toBe(401);
    // No token: system:anonymous, whom RBAC refuses (403), as a real server with anonymous auth does.
    expect(await call(server, COLLECTION)).toBe(403);
  });
  afterAll(() => server.stop());

  it('when callers present tokens, then each request is counted under its token, and totals by verb and resource still add up', () => {
    expect(server.requests.count({ verb: 'list', resource: 'internalrequests', user: 'reader' })).toBe(2);
    expect(server.requests.count({ verb: 'list', resource: 'internalrequests', user: 'watcher' })).toBe(1);
    expect(server.requests.count({ verb: 'list', resource: 'internalrequests' })).toBe(5);
    expect(server.requests.count()).toBe(6);
  });

  it('when a request is refused, then it is counted as refused: 403 under its token, 401 (unknown token) and 403 (anonymous) under no user', () => {
    expect(server.requests.count({ refused: true })).toBe(3);
    expect(server.requests.count({ user: 'watcher', refused: true })).toBe(1);
    expect(server.requests.count({ user: 'watcher', refused: false })).toBe(1);
    expect(server.requests.count({ user: 'reader', refused: true })).toBe(0);
    expect(server.requests.snapshot()).toEqual([
      { verb: 'get', resource: 'internalrequests', user: 'watcher', count: 1, refused: 1 },
      { verb: 'list', resource: 'internalrequests', count: 2, refused: 2 },
      { verb: 'list', resource: 'internalrequests', user: 'reader', count: 2 },
      { verb: 'list', resource: 'internalrequests', user: 'watcher', count: 1 },
    ]);
  });
});

describe('request counts on a server without tokens', () => {
  it('when no tokens are configured, then rows carry no user and nothing is refused', async () => {
    const open = await startApiServer({ crdFiles: [CRD], namespaces: ['team-a'] });
    try {
      expect(await call(open, COLLECTION, 'anything')).toBe(200);
      expect(open.requests.snapshot()).toStrictEqual([{ verb: 'list', resource: 'internalrequests', count: 1 }]);
      expect(open.requests.count({ refused: false })).toBe(1);
    } finally {
      await open.stop();
    }
  });
});
