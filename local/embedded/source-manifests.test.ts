import { describe, expect, it } from '@jest/globals';
import { localConfigManifest } from './seed-config.js';
import { pingManifest, pipelineRunNamespaceOfInstall, pipelineRunSourceOptions, remoteSourceOptions, serviceNamespaceOfInstall } from './source-manifests.js';

describe('the local install follows the knative/private manifests', () => {
  it('when the remote watcher is configured, then it watches InternalRequests and drops status-only updates, as its ContainerSource says', async () => {
    const options = await remoteSourceOptions('/tmp/public.kubeconfig', 'http://127.0.0.1:1/');
    expect(options).toMatchObject({
      kubeconfig: '/tmp/public.kubeconfig',
      resource: { apiVersion: 'appstudio.redhat.com/v1alpha1', kind: 'InternalRequest', plural: 'internalrequests' },
      namespace: undefined,
      sink: 'http://127.0.0.1:1/',
      dropStatusOnlyUpdates: true,
    });
  });

  it('when the PipelineRun watcher is configured, then it has the ApiServerSource resource and label selector, and watches the namespace its namespaceSelector names, not its own', async () => {
    const options = await pipelineRunSourceOptions('/tmp/internal.kubeconfig', 'http://127.0.0.1:1/');
    expect(options).toMatchObject({
      resource: { apiVersion: 'tekton.dev/v1', kind: 'PipelineRun' },
      namespace: 'internal-services-pipelines',
      labelSelector: 'internal-services.appstudio.openshift.io/name',
      dropStatusOnlyUpdates: false,
    });
    expect(await pipelineRunNamespaceOfInstall()).toBe('internal-services-pipelines');
    expect(await serviceNamespaceOfInstall()).toBe('internal-services');
  });

  it('when the resync sweep is pinged, then the ping comes from the PingSource of the manifests, with its JSON data', async () => {
    expect(await pingManifest()).toEqual({ source: '/apis/v1/namespaces/internal-services/pingsources/resync', contentType: 'application/json', data: {} });
  });

  it('when the config is seeded, then it is the config manifest with default on the allow-list', async () => {
    const manifest = await localConfigManifest('internal-services');
    expect(manifest).toMatchObject({ kind: 'InternalServicesConfig', metadata: { name: 'config', namespace: 'internal-services' } });
    expect(manifest.spec?.['allowList']).toEqual(['default']);
    expect(manifest.spec?.['volumeClaim']).toEqual({ name: 'workspace', size: '1Gi' });
  });
});
