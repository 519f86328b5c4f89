import { describe, expect, it } from '@jest/globals';
import { rulesFor, serviceAccounts, tokenGrantsFor } from './support/rbac-grants.js';
import type { KubeObject } from './support/render.js';
import { named, render } from './support/render.js';
import { describeWithKubectl } from './support/skip-without-kubectl.js';

const describeRendered = describeWithKubectl();
const NS = 'internal-services';
const RUNS_NS = 'internal-services-pipelines';

/** What each identity's code calls (functions/, shared/kube, sources/), and so all it may do, and where: the config in NS, the runs in RUNS_NS. */
const PRIVATE_GRANTS: Record<string, string[]> = {
  admission: [`get internalservicesconfigs in ${NS}`],
  'pipelinerun-creator': [`get internalservicesconfigs in ${NS}`, `create pipelineruns in ${RUNS_NS}`],
  'status-relay': [`get pipelineruns in ${RUNS_NS}`],
  cleanup: [`get internalservicesconfigs in ${NS}`, `get,list,patch,delete pipelineruns in ${RUNS_NS}`],
  resync: [`get internalservicesconfigs in ${NS}`, `get,list pipelineruns in ${RUNS_NS}`],
  'pipelinerun-source': [`get,list,watch pipelineruns in ${RUNS_NS}`],
  'remote-source': [],
};
const PUBLIC_GRANTS: Record<string, string[]> = {
  'internal-services-watcher': ['list,watch internalrequests'],
  'internal-services-functions': ['get,patch internalrequests', 'patch internalrequests/status'],
  'internal-services-resync': ['list internalrequests', 'patch internalrequests/status'],
};

function summary(objects: KubeObject[], name: string): string[] {
  return rulesFor(objects, { namespace: NS, name }).map((r) => `${r.verbs.join(',')} ${r.resources.join(',')}`).sort();
}

/** The same, with where each rule applies. */
function scopedSummary(objects: KubeObject[], name: string): string[] {
  return rulesFor(objects, { namespace: NS, name }).map((r) => `${r.verbs.join(',')} ${r.resources.join(',')} in ${r.namespace}`).sort();
}

describeRendered('RBAC: each identity gets what its code calls and nothing more', () => {
  it.each(Object.entries(PRIVATE_GRANTS))('when %s acts on the private cluster, then it holds exactly %j', (name, grants) => {
    expect(scopedSummary(render('private'), name)).toEqual([...grants].sort());
  });

  it.each(Object.entries(PUBLIC_GRANTS))('when %s acts on the public cluster, then it holds exactly %j', (name, grants) => {
    expect(summary(render('public'), name)).toEqual([...grants].sort());
  });

  it('when the overlays define ServiceAccounts, then each one is in the tables above', () => {
    expect(serviceAccounts(render('private')).map((sa) => sa.name).sort()).toEqual(Object.keys(PRIVATE_GRANTS).sort());
    expect(serviceAccounts(render('public')).map((sa) => sa.name).sort()).toEqual(Object.keys(PUBLIC_GRANTS).sort());
  });

  it('when the functions read the config, then only the object named config is readable', () => {
    const configRules = rulesFor(render('private'), { namespace: NS, name: 'admission' });
    expect(configRules).toEqual([{ namespace: NS, apiGroups: ['appstudio.redhat.com'], resources: ['internalservicesconfigs'], verbs: ['get'], resourceNames: ['config'] }]);
  });

  it('when private identities are bound, then only in the two namespaces of the install (no ClusterRoleBinding): the config in their own, the PipelineRuns in the pipeline-run namespace', () => {
    const private_ = render('private');
    const scopes = serviceAccounts(private_).flatMap((sa) => rulesFor(private_, sa).map((r) => `${r.resources.join(',')} in ${r.namespace}`));
    expect(new Set(scopes)).toEqual(new Set([`internalservicesconfigs in ${NS}`, `pipelineruns in ${RUNS_NS}`]));
  });

  it.each(Object.keys(PUBLIC_GRANTS))('when %s is bound, then cluster-wide, since requests live in every tenant namespace', (name) => {
    const scopes = rulesFor(render('public'), { namespace: NS, name }).map((r) => r.namespace);
    expect(scopes.length).toBeGreaterThan(0);
    expect(new Set(scopes)).toEqual(new Set(['*']));
  });

  it.each(Object.keys(PUBLIC_GRANTS))('when %s needs a long-lived token, then the public overlay holds its token Secret under the name mint-kubeconfig.sh reads (<account>-token)', (name) => {
    expect(named(render('public'), 'Secret', `${name}-token`)).toMatchObject({
      type: 'kubernetes.io/service-account-token',
      metadata: { namespace: NS, annotations: { 'kubernetes.io/service-account.name': name } },
    });
  });

  it('when the public identities are compared, then none holds a right only another one uses: the watcher and the functions share nothing, and the sweep holds only the list one and the status patch the other', () => {
    const permissions = (name: string): string[] => tokenGrantsFor(render('public'), { namespace: NS, name })
      .flatMap((g) => (g.verbs as string[]).flatMap((verb) => (g.resources as string[]).map((resource) => `${verb} ${resource}`)));
    const watcher = permissions('internal-services-watcher');
    const functions = permissions('internal-services-functions');
    expect(functions.filter((p) => watcher.includes(p))).toEqual([]);
    expect(permissions('internal-services-resync').map((p) => [p, watcher.includes(p) ? 'watcher' : functions.includes(p) ? 'functions' : 'own'])).toEqual([
      ['list internalrequests', 'watcher'],
      ['patch internalrequests/status', 'functions'],
    ]);
  });
});

describe('tokenGrantsFor: rendered RBAC as the local API server token grants', () => {
  const objects = [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'fn', namespace: 'ns' } },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'r', namespace: 'ns' }, rules: [{ apiGroups: ['tekton.dev'], resources: ['pipelineruns', 'pipelineruns/status'], verbs: ['get', 'create'] }] },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'r', namespace: 'elsewhere' }, rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }] },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'b', namespace: 'ns' }, roleRef: { kind: 'Role', name: 'r' }, subjects: [{ kind: 'ServiceAccount', name: 'fn' }] },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'c' }, rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }] },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'cb' }, roleRef: { kind: 'ClusterRole', name: 'c' }, subjects: [{ kind: 'ServiceAccount', name: 'admin', namespace: 'ns' }] },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'other', namespace: 'ns' }, roleRef: { kind: 'Role', name: 'r' }, subjects: [{ kind: 'User', name: 'fn' }] },
  ] as KubeObject[];

  it('when a RoleBinding binds a Role to the ServiceAccount, then its rules become verbs × resources grants, subresources kept', () => {
    expect(tokenGrantsFor(objects, { namespace: 'ns', name: 'fn' })).toEqual([{ verbs: ['create', 'get'], resources: ['pipelineruns', 'pipelineruns/status'] }]);
  });

  it('when the Role of the same name in another namespace, a User subject or another account is bound, then nothing of it is granted', () => {
    expect(rulesFor(objects, { namespace: 'ns', name: 'fn' }).map((r) => r.resources)).toEqual([['pipelineruns', 'pipelineruns/status']]);
    expect(tokenGrantsFor(objects, { namespace: 'other', name: 'fn' })).toEqual([]);
  });

  it('when a ClusterRole grants *, then the token grant is * too', () => {
    expect(tokenGrantsFor(objects, { namespace: 'ns', name: 'admin' })).toEqual([{ verbs: ['*'], resources: ['*'] }]);
  });

  it('when a binding names a role that does not exist, then the helper says so', () => {
    const dangling = [{ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'x', namespace: 'ns' }, roleRef: { kind: 'Role', name: 'gone' }, subjects: [{ kind: 'ServiceAccount', name: 'fn' }] }] as KubeObject[];
    expect(() => tokenGrantsFor(dangling, { namespace: 'ns', name: 'fn' })).toThrow(/missing Role gone/);
  });
});
