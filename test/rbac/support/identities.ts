/**
 * Who acts on which cluster, read from the rendered install: each workload's ServiceAccount on the
 * private cluster, the public ServiceAccount behind the kubeconfig Secret it mounts (as
 * mint-kubeconfig.sh mints them), and what RBAC grants each. Tokens use the ServiceAccount's user
 * name, so a 403 reads as it would on a real cluster.
 */
import type { TokenGrant } from '../../../local/apiserver/index.js';
import { serviceSettingsFromEnv } from '../../../shared/config/index.js';
import { serviceAccounts, tokenGrantsFor } from '../../knative/support/rbac-grants.js';
import type { ServiceAccountRef } from '../../knative/support/rbac-grants.js';
import { MINTED_KUBECONFIGS, remoteKubeconfigSecret } from '../../knative/support/remote-kubeconfigs.js';
import { named, ofKind } from '../../knative/support/render.js';
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

/** A function's two identities: its pod's ServiceAccount, and the public one in its mounted kubeconfig. */
export interface FunctionIdentities {
  internal: Identity;
  remote: Identity;
}

export interface Install {
  /** Every ServiceAccount of both overlays with its grants. */
  identities: Identity[];
  /** Function name (its `--target`) → the identities it acts as. */
  functions: Record<string, FunctionIdentities>;
  /** The identity the PipelineRun ApiServerSource adapter watches with. */
  pipelineRunSource: Identity;
  /** The public identity in the kubeconfig the remote watcher (the ContainerSource) mounts. */
  remoteWatcher: Identity;
  /** The namespace of the private install (SERVICE_NAMESPACE of the functions): the config, the accounts, the sources. */
  serviceNamespace: string;
  /** Where the functions create and handle PipelineRuns, as they read it from their environment (PIPELINE_RUN_NAMESPACE). */
  pipelineRunNamespace: string;
}

/** The ContainerSource running the remote watcher. */
export const REMOTE_WATCHER = 'remote-internalrequests';

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

/** The public identity whose token is in the kubeconfig Secret behind the workload's REMOTE_KUBECONFIG. */
function remoteIdentityOf(identities: Identity[], workload: KubeObject): Identity {
  const what = `${workload.kind} ${workload.metadata.name}`;
  const secret = remoteKubeconfigSecret(workload);
  const account = secret === undefined ? undefined : MINTED_KUBECONFIGS[secret];
  if (account === undefined) throw new Error(`${what}: REMOTE_KUBECONFIG lies in no Secret mint-kubeconfig.sh writes (found ${String(secret)})`);
  return find(identities, 'public', account, `${what}, through Secret ${String(secret)},`);
}

function functionsOf(identities: Identity[], privateObjects: KubeObject[]): Record<string, FunctionIdentities> {
  const functions: Record<string, FunctionIdentities> = {};
  for (const service of ofKind(privateObjects, 'Service').filter((o) => o.apiVersion.startsWith('serving.knative.dev/'))) {
    const spec = podSpecOf(service);
    const target = targetOf(spec);
    if (!target) continue;
    const internal = find(identities, 'internal', spec.serviceAccountName, `Knative Service ${service.metadata.name}`);
    functions[target] = { internal, remote: remoteIdentityOf(identities, service) };
  }
  return functions;
}

/** The one pipeline-run namespace the function Services' settings name; an install whose functions disagree is refused. */
function pipelineRunNamespaceOf(privateObjects: KubeObject[]): string {
  const named = new Set(ofKind(privateObjects, 'Service').map(podSpecOf).filter((spec) => targetOf(spec) !== undefined)
    .map((spec) => serviceSettingsFromEnv(Object.fromEntries((spec.containers?.[0]?.env ?? []).map((e) => [e.name, e.value]))).pipelineRunNamespace));
  const [namespace, ...others] = [...named];
  if (namespace === undefined || others.length > 0) throw new Error(`the functions should name one pipeline-run namespace, not ${JSON.stringify([...named])}`);
  return namespace;
}

export function installOf(privateObjects: KubeObject[], publicObjects: KubeObject[]): Install {
  const identities = [...identitiesOf('internal', privateObjects), ...identitiesOf('public', publicObjects)];
  const [source] = ofKind(privateObjects, 'ApiServerSource');
  if (!source?.metadata.namespace) throw new Error('the private overlay has no namespaced ApiServerSource');
  const sourceAccount = (source['spec'] as { serviceAccountName?: string }).serviceAccountName;
  return {
    identities,
    functions: functionsOf(identities, privateObjects),
    pipelineRunSource: find(identities, 'internal', sourceAccount, `ApiServerSource ${source.metadata.name}`),
    remoteWatcher: remoteIdentityOf(identities, named(privateObjects, 'ContainerSource', REMOTE_WATCHER)),
    serviceNamespace: source.metadata.namespace,
    pipelineRunNamespace: pipelineRunNamespaceOf(privateObjects),
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
