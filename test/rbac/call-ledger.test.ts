import { describe, expect, it } from '@jest/globals';
import { callsSince, grantedPermissions, unusedPermissions } from './support/call-ledger.js';
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
