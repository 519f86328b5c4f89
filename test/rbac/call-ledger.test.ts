import { describe, expect, it } from '@jest/globals';
import type { ApiServer } from '../../local/apiserver/index.js';
import { callsSince, grantedPermissions, refusals, refusedCalls, unusedPermissions } from './support/call-ledger.js';
import { withoutPermission } from './support/identities.js';
import type { Identity } from './support/identities.js';

const cleanup: Identity = {
  cluster: 'internal',
  account: { namespace: 'internal-services', name: 'cleanup' },
  token: 'system:serviceaccount:internal-services:cleanup',
  grants: [{ verbs: ['get', 'list', 'patch'], resources: ['pipelineruns'] }, { verbs: ['get'], resources: ['internalservicesconfigs'] }],
};

describe('unused permissions: the "nothing more" half of least privilege', () => {
  it('when an identity is granted a verb its calls never used, then that permission is reported', () => {
    const calls = { 'internal get pipelineruns': 2, 'internal list pipelineruns': 1, 'internal get internalservicesconfigs': 1 };
    expect(unusedPermissions(cleanup, calls)).toEqual(['patch pipelineruns']);
  });

  it('when the same call was made on the other cluster, then it does not count as using the grant', () => {
    expect(unusedPermissions(cleanup, { 'public patch pipelineruns': 1, 'public get pipelineruns': 1 })).toEqual(grantedPermissions(cleanup));
  });

  it('when a grant is a wildcard, then only a call to a real resource uses it, not discovery', () => {
    const admin: Identity = { ...cleanup, grants: [{ verbs: ['*'], resources: ['*'] }] };
    expect(unusedPermissions(admin, { 'internal get discovery': 3 })).toEqual(['* *']);
    expect(unusedPermissions(admin, { 'internal delete pipelineruns': 1 })).toEqual([]);
  });

  it('when calls are read twice, then the difference is what was made in between', () => {
    expect(callsSince({ 'public get internalrequests': 2 }, { 'public get internalrequests': 5, 'public patch internalrequests': 1 }))
      .toEqual({ 'public get internalrequests': 3, 'public patch internalrequests': 1 });
  });
});

describe('refused calls: the "nothing refused" half, by caller', () => {
  const server = (name: string, rows: Array<{ verb: string; resource: string; user?: string; count: number; refused?: number }>): ApiServer =>
    ({ name, requests: { snapshot: () => rows } }) as unknown as ApiServer;
  const servers = [
    server('public', [
      { verb: 'patch', resource: 'internalrequests', user: 'watcher', count: 2, refused: 2 },
      { verb: 'list', resource: 'internalrequests', user: 'watcher', count: 3 },
      { verb: 'list', resource: 'internalrequests', count: 1, refused: 1 },
    ]),
    server('internal', [{ verb: 'create', resource: 'pipelineruns', user: 'creator', count: 4, refused: 1 }]),
  ];

  it('when requests were refused, then each caller\'s refusals are counted by cluster, verb and resource, and served ones are not', () => {
    expect(refusedCalls(servers)).toEqual({ 'public watcher patch internalrequests': 2, 'public (no token) list internalrequests': 1, 'internal creator create pipelineruns': 1 });
    expect(refusals(servers)).toEqual(['public watcher patch internalrequests ×2', 'public (no token) list internalrequests ×1', 'internal creator create pipelineruns ×1']);
  });
});

describe('withoutPermission: an install missing one rule', () => {
  it('when one verb is taken from a grant of several resources, then only that resource loses it', () => {
    const grants = [{ verbs: ['get', 'patch'], resources: ['internalrequests', 'internalrequests/status'] }];
    expect(withoutPermission(grants, 'patch', 'internalrequests')).toEqual([
      { verbs: ['get', 'patch'], resources: ['internalrequests/status'] },
      { verbs: ['get'], resources: ['internalrequests'] },
    ]);
  });

  it('when the last verb of a grant is taken, then the grant goes', () => {
    expect(withoutPermission([{ verbs: ['create'], resources: ['pipelineruns'] }], 'create', 'pipelineruns')).toEqual([]);
  });
});
