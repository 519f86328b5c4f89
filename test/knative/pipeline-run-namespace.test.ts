/**
 * Tenant isolation (ADR 0011): PipelineRuns run in a namespace of their own, which holds none of the
 * system's Secrets or ServiceAccounts, and where the system's accounts may handle PipelineRuns and nothing
 * else. The namespace is named once, by the ApiServerSource's namespaceSelector (what the local install
 * reads); every other part of knative/private that names it must agree.
 */
import { expect, it } from '@jest/globals';
import { pipelineRunNamespaceOfInstall, serviceNamespaceOfInstall } from '../../local/embedded/source-manifests.js';
import { PIPELINE_RUNS, SYSTEM_SERVICE_ACCOUNTS } from '../../shared/api/index.js';
import { serviceSettingsFromEnv } from '../../shared/config/index.js';
import { FUNCTION_DESCRIPTORS } from './support/function-descriptors.js';
import { rulesFor, serviceAccounts } from './support/rbac-grants.js';
import type { KubeObject } from './support/render.js';
import { named, ofKind, render } from './support/render.js';
import { describeWithKubectl } from './support/skip-without-kubectl.js';

interface Rule { apiGroups?: string[]; resources?: string[]; verbs: string[] }
interface Binding extends KubeObject { roleRef: { kind: string; name: string }; subjects?: Array<{ kind: string; name: string; namespace?: string }> }

const objects = (): KubeObject[] => render('private');
const inNamespace = (namespace: string): KubeObject[] => objects().filter((o) => o.metadata.namespace === namespace);
const rulesOf = (role: KubeObject): Rule[] => (role['rules'] as Rule[] | undefined) ?? [];
const grantsOnRuns = (rule: Rule): boolean => (rule.resources ?? []).some((resource) => resource.split('/')[0] === PIPELINE_RUNS.plural);

function envOf(service: KubeObject): NodeJS.ProcessEnv {
  const [container] = (service['spec'] as { template: { spec: { containers: Array<{ env?: Array<{ name: string; value?: string }> }> } } }).template.spec.containers;
  return Object.fromEntries((container?.env ?? []).map((e) => [e.name, e.value]));
}

describeWithKubectl()('tenant isolation: the pipeline-run namespace', () => {
  it('when the install is read, then the namespace the ApiServerSource selects is a Namespace of the overlay, other than the service namespace', async () => {
    const [runs, service] = [await pipelineRunNamespaceOfInstall(), await serviceNamespaceOfInstall()];
    expect(runs).not.toBe(service);
    expect(ofKind(objects(), 'Namespace').map((ns) => ns.metadata.name)).toEqual(expect.arrayContaining([runs, service]));
  });

  it.each(FUNCTION_DESCRIPTORS.map((d) => d.name))('when %s reads its settings, then its runs are in the namespace the ApiServerSource selects, and its config in the ApiServerSource\'s own', async (name) => {
    expect(serviceSettingsFromEnv(envOf(named(objects(), 'Service', name)))).toMatchObject({
      serviceNamespace: await serviceNamespaceOfInstall(),
      pipelineRunNamespace: await pipelineRunNamespaceOfInstall(),
    });
  });

  it('when a Role grants anything on PipelineRuns, then it is in the namespace the ApiServerSource selects, and so is its RoleBinding', async () => {
    const runs = await pipelineRunNamespaceOfInstall();
    const roles = [...ofKind(objects(), 'Role'), ...ofKind(objects(), 'ClusterRole')].filter((role) => rulesOf(role).some(grantsOnRuns));
    expect(roles.length).toBeGreaterThan(0);
    expect(roles.map((role) => `${role.kind}/${role.metadata.name} in ${role.metadata.namespace ?? '(cluster)'}`)).toEqual(roles.map((role) => `Role/${role.metadata.name} in ${runs}`));
    const bindings = (ofKind(objects(), 'RoleBinding') as Binding[]).filter((b) => roles.some((role) => role.metadata.name === b.roleRef.name && role.metadata.namespace === b.metadata.namespace));
    expect(bindings.map((b) => b.metadata.name).sort()).toEqual(roles.map((role) => role.metadata.name).sort());
  });

  it('when it is rendered, then it holds no ServiceAccount, no Secret and no workload that could mount one of its Secrets', async () => {
    const held = inNamespace(await pipelineRunNamespaceOfInstall()).map((o) => o.kind);
    expect(held.filter((kind) => !['Role', 'RoleBinding'].includes(kind))).toEqual([]);
  });

  it('when a RoleBinding there names a subject, then only a system ServiceAccount of the service namespace, bound to a Role there that grants PipelineRun verbs and nothing else', async () => {
    const [runs, service] = [await pipelineRunNamespaceOfInstall(), await serviceNamespaceOfInstall()];
    const bindings = inNamespace(runs).filter((o) => o.kind === 'RoleBinding') as Binding[];
    expect(bindings.length).toBeGreaterThan(0);
    for (const binding of bindings) {
      expect((binding.subjects ?? []).map((s) => `${s.kind} ${s.namespace ?? runs}/${s.name}`)).toEqual(
        (binding.subjects ?? []).filter((s) => SYSTEM_SERVICE_ACCOUNTS.includes(s.name)).map((s) => `ServiceAccount ${service}/${s.name}`));
      expect(binding.roleRef.kind).toBe('Role');
      const role = inNamespace(runs).find((o) => o.kind === 'Role' && o.metadata.name === binding.roleRef.name);
      expect(role).toBeDefined();
      for (const rule of rulesOf(role as KubeObject)) expect({ apiGroups: rule.apiGroups, resources: rule.resources }).toEqual({ apiGroups: [PIPELINE_RUNS.group], resources: [PIPELINE_RUNS.plural] });
    }
  });

  it('when any of the system\'s accounts is bound, then no rule of it grants anything on PipelineRuns in the service namespace, or anywhere but the pipeline-run namespace', async () => {
    const runs = await pipelineRunNamespaceOfInstall();
    const onRuns = serviceAccounts(objects()).flatMap((account) =>
      rulesFor(objects(), account).filter((rule) => grantsOnRuns(rule)).map((rule) => `${account.name}: ${rule.verbs.join(',')} in ${rule.namespace}`));
    expect(onRuns.length).toBeGreaterThan(0);
    expect(onRuns.filter((line) => !line.endsWith(` in ${runs}`))).toEqual([]);
  });
});
