/**
 * A real kube-apiserver dressed as the local API server's test interface (`ApiServer`), so the same
 * suites run against either. Callers are authenticated by static tokens and authorized by RBAC:
 * - a cluster without `tokens` serves every unauthenticated request as the admin, as the local server
 *   without tokens serves everyone;
 * - with `tokens`, each token is a user of the same name (ServiceAccount names get the ServiceAccount
 *   groups, so RoleBindings to ServiceAccounts apply to them); a `*`/`*` grant makes it a cluster admin;
 * - `rbac` objects (the rendered ClusterRoles, Roles and bindings) are applied as they are; a token
 *   that no binding names gets its grants as a ClusterRole of its own.
 */
import { writeFile } from 'node:fs/promises';
import type { ApiServer, ApiServerOptions, KubeconfigOptions, TokenGrant } from '../../local/apiserver/index.js';
import { kubeconfigYaml } from '../../local/apiserver/kubeconfig.js';
import { startControlPlane } from './control-plane.js';
import type { ControlPlane, StaticIdentity } from './control-plane.js';
import { startFaultProxy } from './fault-proxy.js';
import { createNamespaces, createObjects, crdObjects, installCrds } from './install.js';

export interface RbacObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  subjects?: Array<{ kind: string; name: string; namespace?: string; apiGroup?: string }>;
  [field: string]: unknown;
}

export interface KubeClusterOptions extends ApiServerOptions {
  /** RBAC objects to apply as they are (ClusterRole, ClusterRoleBinding, Role, RoleBinding). */
  rbac?: RbacObject[];
  /** A real server's watch cache (default on); off, `faults.expireHistory()` makes resumed watches 410 Gone. */
  watchCache?: boolean;
}

const SERVICE_ACCOUNT_USER = /^system:serviceaccount:([^:]+):([^:]+)$/;

function isAdminGrant(grants: TokenGrant[]): boolean {
  return grants.some((g) => (g.verbs as string[]).includes('*') && (g.resources as string[]).includes('*'));
}

export function identityOf(token: string, grants: TokenGrant[]): StaticIdentity {
  const account = SERVICE_ACCOUNT_USER.exec(token);
  const groups = [
    ...(isAdminGrant(grants) ? ['system:masters'] : []),
    ...(account ? ['system:serviceaccounts', `system:serviceaccounts:${account[1]}`] : []),
  ];
  return { token, user: token, groups };
}

function boundUsers(rbac: RbacObject[]): Set<string> {
  const users = new Set<string>();
  for (const binding of rbac.filter((o) => o.kind.endsWith('Binding'))) {
    for (const s of binding.subjects ?? []) {
      if (s.kind === 'User') users.add(s.name);
      if (s.kind === 'ServiceAccount') users.add(`system:serviceaccount:${s.namespace ?? binding.metadata.namespace}:${s.name}`);
    }
  }
  return users;
}

/** The local server's grant (verbs × plural[/subresource], any group) as a ClusterRole bound to the user. */
function grantObjects(user: string, grants: TokenGrant[]): RbacObject[] {
  const name = `test-bed:${user}`;
  const rules = grants.map((g) => ({ apiGroups: ['*'], resources: g.resources, verbs: g.verbs }));
  return [
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name }, rules },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [{ kind: 'User', name: user, apiGroup: 'rbac.authorization.k8s.io' }],
    },
  ];
}

async function applyRbac(plane: ControlPlane, options: KubeClusterOptions): Promise<void> {
  const rbac = options.rbac ?? [];
  const bound = boundUsers(rbac);
  const granted = Object.entries(options.tokens ?? {})
    .filter(([token, grants]) => !isAdminGrant(grants) && !bound.has(token))
    .flatMap(([token, grants]) => grantObjects(token, grants));
  await createObjects(plane, [...rbac, ...granted]);
}

export async function startKubeCluster(options: KubeClusterOptions = {}): Promise<ApiServer> {
  const name = options.name ?? 'kube';
  const identities = Object.entries(options.tokens ?? {}).map(([token, grants]) => identityOf(token, grants));
  const plane = await startControlPlane({ name, identities, watchCache: options.watchCache ?? true, ...(options.port ? { port: options.port } : {}) });
  try {
    const crds = [...((options.crds ?? []) as Parameters<typeof installCrds>[1]), ...crdObjects(options.crdFiles ?? [])];
    await installCrds(plane, crds);
    await createNamespaces(plane, options.namespaces ?? []);
    await applyRbac(plane, options);
    const proxy = await startFaultProxy({
      upstream: plane.url, caPem: plane.caPem, expireHistory: () => plane.compact(), ...(options.tokens ? {} : { defaultToken: plane.adminToken }),
    });
    const kubeconfig = (opts?: KubeconfigOptions): string => kubeconfigYaml(name, proxy.url, opts);
    return {
      url: proxy.url,
      name,
      kubeconfig,
      writeKubeconfig: (path, opts) => writeFile(path, kubeconfig(opts), 'utf8'),
      faults: proxy.faults,
      requests: { count: (f) => proxy.counter.count(f), snapshot: () => proxy.counter.snapshot(), reset: () => proxy.counter.reset() },
      stop: async () => {
        await proxy.stop();
        await plane.stop();
      },
    };
  } catch (error) {
    await plane.stop();
    throw error;
  }
}

