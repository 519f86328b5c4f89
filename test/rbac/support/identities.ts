/**
 * Who acts on which cluster, read from the rendered install: each workload's ServiceAccount, the one
 * identity of the public cluster (the kubeconfig Secret minted from it), and what RBAC grants each.
 * Tokens use the ServiceAccount's user name, so a 403 reads as it would on a real cluster.
 */
import type { TokenGrant } from '../../../local/apiserver/index.js';
import { serviceAccounts, tokenGrantsFor } from '../../knative/support/rbac-grants.js';
import type { ServiceAccountRef } from '../../knative/support/rbac-grants.js';
import { ofKind } from '../../knative/support/render.js';
import type { KubeObject } from '../../knative/support/render.js';

export type ClusterName = 'public' | 'internal';

export interface Identity {
  cluster: ClusterName;
  account: ServiceAccountRef;
  token: string;
  grants: TokenGrant[];
}

/** The test's own identity: the tenants creating and deleting requests, Tekton writing run status, the admin. */
export const ADMIN_TOKEN = 'cluster-admin';
const ADMIN_GRANTS: TokenGrant[] = [{ verbs: ['*'], resources: ['*'] }];

export function tokenOf(account: ServiceAccountRef): string {
  return `system:serviceaccount:${account.namespace}:${account.name}`;
}

function identitiesOf(cluster: ClusterName, objects: KubeObject[]): Identity[] {
  return serviceAccounts(objects).map((account) => ({ cluster, account, token: tokenOf(account), grants: tokenGrantsFor(objects, account) }));
}

export interface Install {
  /** Every ServiceAccount of both overlays with its grants. */
  identities: Identity[];
  /** Function name (its `--target`) → the identity its pod runs as on the internal cluster. */
  functions: Record<string, Identity>;
  /** The identity the PipelineRun ApiServerSource adapter watches with. */
  pipelineRunSource: Identity;
  /** The identity in the mounted remote kubeconfig, shared by the functions and the remote watcher. */
  remote: Identity;
  /** The namespace of the private install (SERVICE_NAMESPACE of the functions). */
  serviceNamespace: string;
}

interface PodSpec { serviceAccountName?: string; containers?: Array<{ args?: string[]; env?: Array<{ name: string; value?: string }> }> }

function podSpecOf(object: KubeObject): PodSpec {
  return ((object['spec'] as { template?: { spec?: PodSpec } } | undefined)?.template?.spec ?? {});
}

function targetOf(spec: PodSpec): string | undefined {
  return spec.containers?.[0]?.args?.map((arg) => /^--target=(.+)$/.exec(arg)?.[1]).find((name) => name !== undefined);
}

function find(identities: Identity[], cluster: ClusterName, name: string | undefined, what: string): Identity {
  const found = identities.find((i) => i.cluster === cluster && i.account.name === name);
  if (!found) throw new Error(`${what} names ServiceAccount ${String(name)}, which the ${cluster} overlay does not define`);
  return found;
}

export function installOf(privateObjects: KubeObject[], publicObjects: KubeObject[]): Install {
  const identities = [...identitiesOf('internal', privateObjects), ...identitiesOf('public', publicObjects)];
  const functions: Record<string, Identity> = {};
  for (const service of ofKind(privateObjects, 'Service').filter((o) => o.apiVersion.startsWith('serving.knative.dev/'))) {
    const spec = podSpecOf(service);
    const target = targetOf(spec);
    if (target) functions[target] = find(identities, 'internal', spec.serviceAccountName, `Knative Service ${service.metadata.name}`);
  }
  const [source] = ofKind(privateObjects, 'ApiServerSource');
  if (!source?.metadata.namespace) throw new Error('the private overlay has no namespaced ApiServerSource');
  const sourceAccount = (source['spec'] as { serviceAccountName?: string }).serviceAccountName;
  const remotes = identities.filter((i) => i.cluster === 'public');
  if (remotes.length !== 1 || !remotes[0]) throw new Error(`the public overlay should define one ServiceAccount, not ${remotes.length}`);
  return {
    identities,
    functions,
    pipelineRunSource: find(identities, 'internal', sourceAccount, `ApiServerSource ${source.metadata.name}`),
    remote: remotes[0],
    serviceNamespace: source.metadata.namespace,
  };
}

/** The token grants of one cluster's API server: every identity of that cluster, plus the test's admin. */
export function tokensFor(cluster: ClusterName, identities: Identity[]): Record<string, TokenGrant[]> {
  const tokens: Record<string, TokenGrant[]> = { [ADMIN_TOKEN]: ADMIN_GRANTS };
  for (const identity of identities.filter((i) => i.cluster === cluster)) tokens[identity.token] = identity.grants;
  return tokens;
}

/** The same grants without `verb` on `resource`: what an install missing that one rule would give. */
export function withoutPermission(grants: TokenGrant[], verb: string, resource: string): TokenGrant[] {
  return grants.flatMap((g): TokenGrant[] => {
    const resources = g.resources as string[];
    if (!resources.includes(resource)) return [g];
    const others = resources.filter((r) => r !== resource);
    const verbs = (g.verbs as string[]).filter((v) => v !== verb);
    return [...(others.length > 0 ? [{ verbs: g.verbs, resources: others }] : []), ...(verbs.length > 0 ? [{ verbs, resources: [resource] }] : [])];
  });
}
