/**
 * Admission refuses requests that ask to run as one of the system's own ServiceAccounts; it knows them
 * from a constant (no API call per request), which this test holds equal to what knative/private defines.
 */
import { expect, it } from '@jest/globals';
import { CONFIG_NAME, SYSTEM_SERVICE_ACCOUNTS } from '../../shared/api/index.js';
import { serviceAccounts } from './support/rbac-grants.js';
import { named, render } from './support/render.js';
import { describeWithKubectl } from './support/skip-without-kubectl.js';

describeWithKubectl()('the system\'s own ServiceAccounts', () => {
  it('when knative/private is rendered, then every ServiceAccount it defines is in the service namespace and is one admission refuses to lend to a request, and no other', () => {
    const objects = render('private');
    const serviceNamespace = named(objects, 'InternalServicesConfig', CONFIG_NAME).metadata.namespace;
    const defined = serviceAccounts(objects);
    expect(defined.filter((sa) => sa.namespace !== serviceNamespace)).toEqual([]);
    expect([...SYSTEM_SERVICE_ACCOUNTS].sort()).toEqual(defined.map((sa) => sa.name).sort());
  });
});
