import { expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { CONFIG_NAME } from '../../shared/api/internal-services-config.js';
import { REQUEST_NAME_LABEL } from '../../shared/api/labels.js';
import { parseSourceConfig } from '../../sources/remote-source/config.js';
import { parseIsoDuration } from '../../local/broker/iso-duration.js';
import { FUNCTION_DESCRIPTORS } from './support/function-descriptors.js';
import type { KubeObject } from './support/render.js';
import { named, ofKind, render } from './support/render.js';
import { mountedSecrets, secretBehind } from './support/remote-kubeconfigs.js';
import { describeWithKubectl } from './support/skip-without-kubectl.js';

interface Container { name: string; image: string; command?: string[]; args?: string[]; env?: Array<{ name: string; value?: string }>; volumeMounts?: Array<{ name: string; mountPath: string; readOnly?: boolean }> }
interface PodSpec { serviceAccountName?: string; automountServiceAccountToken?: boolean; containerConcurrency?: number; timeoutSeconds?: number; containers: Container[]; volumes?: Array<{ name: string; secret?: { secretName: string } }> }
interface Template { metadata?: { annotations?: Record<string, string> }; spec: PodSpec }

const describeRendered = describeWithKubectl();
const NAMESPACE = 'internal-services';
const objects = (): KubeObject[] => render('private');
const templateOf = (obj: KubeObject): Template => (obj['spec'] as { template: Template }).template;
const containerOf = (obj: KubeObject): Container => {
  const [container] = templateOf(obj).spec.containers;
  if (!container) throw new Error(`${obj.metadata.name} has no container`);
  return container;
};
const envOf = (container: Container): Record<string, string | undefined> => Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value]));
const brokerDelivery = (): Record<string, unknown> => (named(objects(), 'Broker', 'internal-services')['spec'] as { delivery: Record<string, unknown> }).delivery;

describeRendered('the functions as Knative Services', () => {
  const service = (name: string): KubeObject => named(objects(), 'Service', name);

  it.each(FUNCTION_DESCRIPTORS.map((d) => d.name))('when %s is deployed, then one image serves it, picked by --target', (name) => {
    expect(containerOf(service(name)).args).toEqual([`--target=${name}`]);
    const images = new Set(FUNCTION_DESCRIPTORS.map((d) => containerOf(service(d.name)).image));
    expect([...images]).toEqual([containerOf(named(objects(), 'ContainerSource', 'remote-internalrequests')).image]);
  });

  it.each(FUNCTION_DESCRIPTORS.map((d) => d.name))('when %s is deployed, then it scales to zero, stays cluster-local and has concurrency and timeout set', (name) => {
    const fn = service(name);
    const { metadata, spec } = templateOf(fn);
    expect(fn.metadata.labels?.['networking.knative.dev/visibility']).toBe('cluster-local');
    expect(metadata?.annotations?.['autoscaling.knative.dev/min-scale']).toBe('0');
    expect(spec.containerConcurrency).toBeGreaterThan(0);
    expect(spec.timeoutSeconds).toBeGreaterThan(0);
  });

  it.each(FUNCTION_DESCRIPTORS.map((d) => d.name))('when %s is deployed, then it finds the config and the functions\' remote kubeconfig Secret, and mounts no other', (name) => {
    const fn = service(name);
    const env = envOf(containerOf(fn));
    expect(env['SERVICE_NAMESPACE']).toBe(fn.metadata.namespace);
    expect(named(objects(), 'InternalServicesConfig', CONFIG_NAME).metadata.namespace).toBe(env['SERVICE_NAMESPACE']);
    expect(secretBehind(templateOf(fn).spec, containerOf(fn), env['REMOTE_KUBECONFIG'] ?? '')).toBe('remote-kubeconfig-functions');
    expect(mountedSecrets(fn)).toEqual(['remote-kubeconfig-functions']);
  });

  it.each(FUNCTION_DESCRIPTORS.map((d) => d.name))('when %s is deployed, then it runs as its own ServiceAccount', (name) => {
    const account = templateOf(service(name)).spec.serviceAccountName;
    expect(account).toBe(name);
    expect(ofKind(objects(), 'ServiceAccount').map((sa) => sa.metadata.name)).toContain(account);
  });

  it('when every Knative Service is listed, then none is reachable from outside the cluster', () => {
    const exposed = ofKind(objects(), 'Service').filter((s) => s.metadata.labels?.['networking.knative.dev/visibility'] !== 'cluster-local');
    expect(exposed.map((s) => s.metadata.name)).toEqual([]);
  });

  it('when the Broker times out an attempt, then the function has had its full timeout first', () => {
    const attemptMs = parseIsoDuration(String(brokerDelivery()['timeout']));
    for (const d of FUNCTION_DESCRIPTORS) expect((templateOf(service(d.name)).spec.timeoutSeconds ?? 300) * 1000).toBeLessThan(attemptMs);
  });
});

describeRendered('the Broker', () => {
  it('when deliveries fail, then they are retried with exponential backoff and end in the dead-letter Service', () => {
    const delivery = brokerDelivery();
    expect(delivery).toMatchObject({ backoffPolicy: 'exponential', deadLetterSink: { ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service' } } });
    expect(delivery['retry']).toBeGreaterThan(0);
    expect(parseIsoDuration(String(delivery['backoffDelay']))).toBeGreaterThan(0);
    const sink = (delivery['deadLetterSink'] as { ref: { name: string } }).ref.name;
    expect(named(objects(), 'Service', sink).metadata.namespace).toBe(NAMESPACE);
  });
});

describeRendered('the event sources', () => {
  it('when PipelineRuns change, then the ApiServerSource sends whole objects of labelled runs to the Broker', () => {
    const source = named(objects(), 'ApiServerSource', 'pipelineruns')['spec'] as Record<string, unknown>;
    expect(source).toMatchObject({
      mode: 'Resource',
      resources: [{ apiVersion: 'tekton.dev/v1', kind: 'PipelineRun', selector: { matchExpressions: [{ key: REQUEST_NAME_LABEL, operator: 'Exists' }] } }],
      sink: { ref: { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', name: 'internal-services' } },
    });
    expect(source['namespaceSelector']).toBeUndefined();
    expect(ofKind(objects(), 'ServiceAccount').map((sa) => sa.metadata.name)).toContain(source['serviceAccountName']);
  });

  it('when the remote watcher starts, then its command is built from sources/, its environment selects remote InternalRequests and its kubeconfig is the watcher\'s Secret', () => {
    const watcher = named(objects(), 'ContainerSource', 'remote-internalrequests');
    const container = containerOf(watcher);
    const [runtime, script] = container.command ?? [];
    expect(runtime).toBe('node');
    expect(existsSync(String(script).replace(/^dist\//, '').replace(/\.js$/, '.ts'))).toBe(true);
    const options = parseSourceConfig(container.args ?? [], { ...envOf(container), K_SINK: 'http://broker.example/' });
    expect(options).toMatchObject({ resource: { apiVersion: 'appstudio.redhat.com/v1alpha1', kind: 'InternalRequest', plural: 'internalrequests' }, dropStatusOnlyUpdates: true, namespace: undefined });
    expect(secretBehind(templateOf(watcher).spec, container, String(options.kubeconfig))).toBe('remote-kubeconfig-watcher');
    expect(mountedSecrets(watcher)).toEqual(['remote-kubeconfig-watcher']);
    expect(watcher['spec']).toMatchObject({ sink: { ref: { kind: 'Broker', name: 'internal-services' } } });
  });

  it('when the remote kubeconfig Secrets are mounted, then the watcher\'s only by the remote watcher and the functions\' only by the functions', () => {
    const mounters: Record<string, string[]> = {};
    for (const workload of objects()) for (const secret of mountedSecrets(workload)) (mounters[secret] ??= []).push(`${workload.kind}/${workload.metadata.name}`);
    expect(mounters).toEqual({
      'remote-kubeconfig-watcher': ['ContainerSource/remote-internalrequests'],
      'remote-kubeconfig-functions': expect.arrayContaining(FUNCTION_DESCRIPTORS.map((d) => `Service/${d.name}`)) as unknown,
    });
    expect(mounters['remote-kubeconfig-functions']).toHaveLength(FUNCTION_DESCRIPTORS.length);
  });

  it('when the remote watcher runs, then it carries no token for the private cluster', () => {
    const template = templateOf(named(objects(), 'ContainerSource', 'remote-internalrequests'));
    expect(template.spec.automountServiceAccountToken).toBe(false);
  });
});
