/**
 * What the local API server's token grants cannot express (namespaces, object names, API groups),
 * checked on the rendered RBAC against what the code and the workload manifests use.
 */
import { expect, it } from '@jest/globals';
import type { LabelSelector } from '../../local/embedded/label-selector.js';
import { namespacesNamedBy } from '../../local/embedded/namespace-selector.js';
import { pipelineRunNamespaceOfInstall } from '../../local/embedded/source-manifests.js';
import { CONFIG_NAME, INTERNAL_REQUESTS, INTERNAL_SERVICES_CONFIGS, PIPELINE_RUNS } from '../../shared/api/index.js';
import { rulesFor } from '../knative/support/rbac-grants.js';
import { named, ofKind, render } from '../knative/support/render.js';
import type { KubeObject } from '../knative/support/render.js';
import { describeWithKubectl } from '../knative/support/skip-without-kubectl.js';
import { installOf } from './support/identities.js';

const describeRendered = describeWithKubectl();

/** The API group the code addresses each resource in (subresources go with their resource). */
const GROUP_OF: Record<string, string> = Object.fromEntries(
  [INTERNAL_REQUESTS, INTERNAL_SERVICES_CONFIGS, PIPELINE_RUNS].map((type) => [type.plural, type.group]),
);

interface Container { args?: string[]; env?: Array<{ name: string; value?: string }> }
interface PodTemplate { spec?: { serviceAccountName?: string; automountServiceAccountToken?: boolean; containers?: Container[] } }

const templateOf = (object: KubeObject): PodTemplate => (object['spec'] as { template?: PodTemplate }).template ?? {};
const envOf = (object: KubeObject): Record<string, string> =>
  Object.fromEntries((templateOf(object).spec?.containers?.[0]?.env ?? []).map((e) => [e.name, e.value ?? '']));

describeRendered('RBAC scope beyond verbs and resources', () => {
  const privateObjects = (): KubeObject[] => render('private');
  const publicObjects = (): KubeObject[] => render('public');
  const install = (): ReturnType<typeof installOf> => installOf(privateObjects(), publicObjects());
  /** The Knative Services that run a function (`--target=<name>`). */
  const functionServices = (): KubeObject[] =>
    ofKind(privateObjects(), 'Service').filter((o) => templateOf(o).spec?.containers?.[0]?.args?.some((arg) => arg.startsWith('--target=')));

  it('when the functions act on the private cluster, then their config rule binds in the namespace SERVICE_NAMESPACE names and their PipelineRun rules in the one PIPELINE_RUN_NAMESPACE names, the only ones they read the config and handle runs in', () => {
    const { serviceNamespace, pipelineRunNamespace, functions, pipelineRunSource } = install();
    expect(pipelineRunNamespace).not.toBe(serviceNamespace);
    expect(functionServices().map((service) => [envOf(service)['SERVICE_NAMESPACE'], envOf(service)['PIPELINE_RUN_NAMESPACE']]))
      .toEqual(functionServices().map(() => [serviceNamespace, pipelineRunNamespace]));
    const scopes = [...Object.values(functions).map((identities) => identities.internal), pipelineRunSource]
      .flatMap((identity) => rulesFor(privateObjects(), identity.account).map((rule) => `${rule.resources.join(',')} in ${rule.namespace}`));
    expect(new Set(scopes)).toEqual(new Set([`${INTERNAL_SERVICES_CONFIGS.plural} in ${serviceNamespace}`, `${PIPELINE_RUNS.plural} in ${pipelineRunNamespace}`]));
  });

  it('when a function reads the config, then its rule names only the object the code reads (CONFIG_NAME), for get only', () => {
    const configRules = install().identities
      .filter((identity) => identity.cluster === 'internal')
      .flatMap((identity) => rulesFor(privateObjects(), identity.account))
      .filter((rule) => rule.resources.includes(INTERNAL_SERVICES_CONFIGS.plural));
    expect(configRules.length).toBeGreaterThan(0);
    for (const rule of configRules) expect(rule).toMatchObject({ resources: [INTERNAL_SERVICES_CONFIGS.plural], resourceNames: [CONFIG_NAME], verbs: ['get'] });
  });

  it('when the PipelineRun source watches, then its namespaceSelector names the pipeline-run namespace alone, and its account may get, list and watch PipelineRuns there (what Knative\'s reconciler checks per selected namespace) and nowhere else', async () => {
    const { pipelineRunNamespace, pipelineRunSource } = install();
    const source = ofKind(privateObjects(), 'ApiServerSource')[0];
    const selector = (source?.['spec'] as { namespaceSelector?: LabelSelector } | undefined)?.namespaceSelector;
    expect(selector && namespacesNamedBy(selector)).toEqual([pipelineRunNamespace]);
    expect(await pipelineRunNamespaceOfInstall()).toBe(pipelineRunNamespace);
    expect(rulesFor(privateObjects(), pipelineRunSource.account).map((rule) => ({ namespace: rule.namespace, verbs: [...rule.verbs].sort(), resources: rule.resources })))
      .toEqual([{ namespace: pipelineRunNamespace, verbs: ['get', 'list', 'watch'], resources: [PIPELINE_RUNS.plural] }]);
  });

  it('when the remote watcher watches every namespace (no WATCH_NAMESPACE), then its public identity is bound cluster-wide, and nowhere narrower', () => {
    const container = named(privateObjects(), 'ContainerSource', 'remote-internalrequests');
    expect(envOf(container)).not.toHaveProperty('WATCH_NAMESPACE');
    expect(new Set(rulesFor(publicObjects(), install().remoteWatcher.account).map((rule) => rule.namespace))).toEqual(new Set(['*']));
  });

  it('when the functions handle requests from every namespace the watcher sees, then their public identity is bound cluster-wide too, and nowhere narrower', () => {
    const remotes = Object.values(install().functions).map((identities) => identities.remote.account);
    expect(remotes.length).toBeGreaterThan(0);
    for (const account of remotes) expect(new Set(rulesFor(publicObjects(), account).map((rule) => rule.namespace))).toEqual(new Set(['*']));
  });

  it('when the remote watcher runs on the private cluster, then its ServiceAccount has no rules and no token mounted', () => {
    const container = named(privateObjects(), 'ContainerSource', 'remote-internalrequests');
    const spec = templateOf(container).spec;
    expect(spec?.automountServiceAccountToken).toBe(false);
    expect(rulesFor(privateObjects(), { namespace: install().serviceNamespace, name: spec?.serviceAccountName ?? '' })).toEqual([]);
  });

  it('when a rule grants resources, then its apiGroups are exactly the group the code addresses them in', () => {
    for (const identity of install().identities) {
      const objects = identity.cluster === 'public' ? publicObjects() : privateObjects();
      for (const rule of rulesFor(objects, identity.account)) {
        const groups = new Set(rule.resources.map((resource) => GROUP_OF[resource.split('/')[0] ?? '']));
        expect({ identity: identity.account.name, apiGroups: rule.apiGroups }).toEqual({ identity: identity.account.name, apiGroups: [...groups] });
      }
    }
  });
});
