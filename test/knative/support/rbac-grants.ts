/**
 * What the rendered RBAC grants an identity, and the same as the local API server's token grants
 * (`TokenGrant`: verbs × resources), so tests can run each function with exactly its rights.
 * A TokenGrant has no namespace, API group or resourceNames: it is the rule projected onto
 * verbs and resources, never narrower than the real rule. `rulesFor` keeps the full picture.
 */
import type { TokenGrant } from '../../../local/apiserver/index.js';
import type { KubeObject } from './render.js';

export interface ServiceAccountRef { namespace: string; name: string }

export interface GrantedRule {
  /** Where the rule applies: the RoleBinding's namespace, or '*' for a ClusterRoleBinding. */
  namespace: string;
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

interface PolicyRule { apiGroups?: string[]; resources?: string[]; verbs: string[]; resourceNames?: string[] }
interface Binding extends KubeObject {
  roleRef: { kind: 'Role' | 'ClusterRole'; name: string };
  subjects?: Array<{ kind: string; name: string; namespace?: string }>;
}

function bindsTo(binding: Binding, account: ServiceAccountRef): boolean {
  const home = binding.metadata.namespace;
  return (binding.subjects ?? []).some((s) => s.kind === 'ServiceAccount' && s.name === account.name && (s.namespace ?? home) === account.namespace);
}

function roleRules(objects: KubeObject[], binding: Binding): PolicyRule[] {
  const namespace = binding.roleRef.kind === 'Role' ? binding.metadata.namespace : undefined;
  const role = objects.find((o) => o.kind === binding.roleRef.kind && o.metadata.name === binding.roleRef.name && o.metadata.namespace === namespace);
  if (!role) throw new Error(`${binding.kind} ${binding.metadata.name} refers to a missing ${binding.roleRef.kind} ${binding.roleRef.name}`);
  return (role['rules'] as PolicyRule[] | undefined) ?? [];
}

/** Every rule bound to the ServiceAccount, with where it applies. */
export function rulesFor(objects: KubeObject[], account: ServiceAccountRef): GrantedRule[] {
  const bindings = objects.filter((o): o is Binding => o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding');
  return bindings
    .filter((binding) => bindsTo(binding, account))
    .flatMap((binding) =>
      roleRules(objects, binding).map((rule) => ({
        namespace: binding.kind === 'RoleBinding' ? (binding.metadata.namespace ?? '') : '*',
        apiGroups: rule.apiGroups ?? [],
        resources: rule.resources ?? [],
        verbs: rule.verbs,
        ...(rule.resourceNames ? { resourceNames: rule.resourceNames } : {}),
      })),
    );
}

function starOr(list: string[]): string[] {
  return list.includes('*') ? ['*'] : [...list].sort();
}

/** The token grants of the local API server for the ServiceAccount: one per bound rule. */
export function tokenGrantsFor(objects: KubeObject[], account: ServiceAccountRef): TokenGrant[] {
  return rulesFor(objects, account).map((rule) => ({ verbs: starOr(rule.verbs), resources: starOr(rule.resources) }));
}

/** Every ServiceAccount the rendered objects define. */
export function serviceAccounts(objects: KubeObject[]): ServiceAccountRef[] {
  return objects.filter((o) => o.kind === 'ServiceAccount').map((o) => ({ namespace: o.metadata.namespace ?? 'default', name: o.metadata.name }));
}
