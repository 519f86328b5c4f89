import { expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { CONFIG_NAME } from '../../shared/api/internal-services-config.js';
import { serviceSettingsFromEnv } from '../../shared/config/service-settings.js';
import { REQUEST_NAME_LABEL } from '../../shared/api/labels.js';
import { parseSourceConfig } from '../../sources/remote-source/index.js';
import { parseIsoDuration } from '../../local/broker/iso-duration.js';
import { BUNDLE_DIR, FUNCTION_NODE_FLAGS, WATCHER_BUNDLE, bundleEntries } from '../../functions/bundle.js';
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
const PIPELINE_RUN_NAMESPACE = 'internal-services-pipelines';
const objects = (): KubeObject[] => render('private');
const templateOf = (obj: KubeObject): Template => (obj['spec'] as { template: Template }).template;
const containerOf = (obj: KubeObject): Container => {
  const [container] = templateOf(obj).spec.containers;
  if (!container) throw new Error(`${obj.metadata.name} has no container`);
  return container;
};
const envOf = (container: Container): Record<string, string | undefined> => Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value]));
/** Which public identity each function acts as: the four event functions share one; the sweep, which lists, has its own (ADR 0010). */
const REMOTE_SECRETS: Record<string, string> = {
  admission: 'remote-kubeconfig-functions',
  'pipelinerun-creator': 'remote-kubeconfig-functions',
  'status-relay': 'remote-kubeconfig-functions',
  cleanup: 'remote-kubeconfig-functions',
  resync: 'remote-kubeconfig-resync',
};
const brokerDelivery = (): Record<string, unknown> => (named(objects(), 'Broker', 'internal-services')['spec'] as { delivery: Record<string, unknown> }).delivery;

describeRendered('the functions as Knative Services', () => {
  const service = (name: string): KubeObject => named(objects(), 'Service', name);

  it.each(FUNCTION_DESCRIPTORS.map((d) => d.name))('when %s is deployed, then one image serves it from its own bundle, picked by --target', (name) => {
    const container = containerOf(service(name));
    expect(container.command).toEqual(['node', ...FUNCTION_NODE_FLAGS, `${BUNDLE_DIR}/${name}.mjs`]);
    expect(existsSync(bundleEntries()[name] ?? '')).toBe(true);
    expect(container.args?.[0]).toBe(`--target=${name}`);
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

  it.each(FUNCTION_DESCRIPTORS.map((d) => d.name))('when %s runs late, then its own deadline (functions-framework --timeout) ends it before Knative cuts the request off', (name) => {
    const fn = service(name);
    const flag = (containerOf(fn).args ?? []).find((arg) => arg.startsWith('--timeout='));
    const seconds = Number(flag?.slice('--timeout='.length));
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThan(templateOf(fn).spec.timeoutSeconds ?? 300);
  });

  it.each(FUNCTION_DESCRIPTORS.map((d): [string, string] => [d.name, REMOTE_SECRETS[d.name] ?? '(none in this table)']))('when %s is deployed, then it finds the config and its remote kubeconfig Secret (%s), and mounts no other', (name, secret) => {
    const fn = service(name);
    const env = envOf(containerOf(fn));
    expect(env['SERVICE_NAMESPACE']).toBe(fn.metadata.namespace);
    expect(named(objects(), 'InternalServicesConfig', CONFIG_NAME).metadata.namespace).toBe(env['SERVICE_NAMESPACE']);
    expect(secretBehind(templateOf(fn).spec, containerOf(fn), env['REMOTE_KUBECONFIG'] ?? '')).toBe(secret);
    expect(mountedSecrets(fn)).toEqual([secret]);
  });

  it.each(FUNCTION_DESCRIPTORS.map((d) => d.name))('when %s is deployed, then it creates and looks for PipelineRuns in the pipeline-run namespace (PIPELINE_RUN_NAMESPACE), not its own', (name) => {
    const fn = service(name);
    const settings = serviceSettingsFromEnv(envOf(containerOf(fn)));
    expect(settings).toMatchObject({ serviceNamespace: NAMESPACE, pipelineRunNamespace: PIPELINE_RUN_NAMESPACE });
    expect(settings.pipelineRunNamespace).not.toBe(fn.metadata.namespace);
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
  it('when PipelineRuns change, then the ApiServerSource sends whole objects of labelled runs in the pipeline-run namespace (and only there) to the Broker', () => {
    const manifest = named(objects(), 'ApiServerSource', 'pipelineruns');
    const source = manifest['spec'] as Record<string, unknown>;
    expect(manifest.metadata.namespace).toBe(NAMESPACE);
    expect(source).toMatchObject({
      mode: 'Resource',
      resources: [{ apiVersion: 'tekton.dev/v1', kind: 'PipelineRun', selector: { matchExpressions: [{ key: REQUEST_NAME_LABEL, operator: 'Exists' }] } }],
      sink: { ref: { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', name: 'internal-services' } },
    });
    expect(source['namespaceSelector']).toEqual({ matchLabels: { 'kubernetes.io/metadata.name': PIPELINE_RUN_NAMESPACE } });
    expect(ofKind(objects(), 'ServiceAccount').map((sa) => sa.metadata.name)).toContain(source['serviceAccountName']);
  });

  it('when the remote watcher starts, then it runs its bundle of sources/remote-source, its environment selects remote InternalRequests and its kubeconfig is the watcher\'s Secret', () => {
    const watcher = named(objects(), 'ContainerSource', 'remote-internalrequests');
    const container = containerOf(watcher);
    expect(container.command).toEqual(['node', `${BUNDLE_DIR}/${WATCHER_BUNDLE}.mjs`]);
    expect(bundleEntries()[WATCHER_BUNDLE]).toBe('sources/remote-source/main.ts');
    const options = parseSourceConfig(container.args ?? [], { ...envOf(container), K_SINK: 'http://broker.example/' });
    expect(options).toMatchObject({ resource: { apiVersion: 'appstudio.redhat.com/v1alpha1', kind: 'InternalRequest', plural: 'internalrequests' }, dropStatusOnlyUpdates: true, namespace: undefined });
    expect(secretBehind(templateOf(watcher).spec, container, String(options.kubeconfig))).toBe('remote-kubeconfig-watcher');
    expect(mountedSecrets(watcher)).toEqual(['remote-kubeconfig-watcher']);
    expect(watcher['spec']).toMatchObject({ sink: { ref: { kind: 'Broker', name: 'internal-services' } } });
  });

  it('when the remote kubeconfig Secrets are mounted, then the watcher\'s only by the remote watcher, the resync sweep\'s only by it and the functions\' only by the other functions', () => {
    const mounters: Record<string, string[]> = {};
    for (const workload of objects()) for (const secret of mountedSecrets(workload)) (mounters[secret] ??= []).push(`${workload.kind}/${workload.metadata.name}`);
    const functions = FUNCTION_DESCRIPTORS.filter((d) => REMOTE_SECRETS[d.name] === 'remote-kubeconfig-functions').map((d) => `Service/${d.name}`);
    expect(mounters).toEqual({
      'remote-kubeconfig-watcher': ['ContainerSource/remote-internalrequests'],
      'remote-kubeconfig-functions': expect.arrayContaining(functions) as unknown,
      'remote-kubeconfig-resync': ['Service/resync'],
    });
    expect(mounters['remote-kubeconfig-functions']).toHaveLength(functions.length);
  });

  it('when the resync sweep is scheduled, then a PingSource pings the Broker every 5 minutes, with JSON data the function accepts', () => {
    const ping = named(objects(), 'PingSource', 'resync')['spec'] as Record<string, unknown>;
    expect(ping).toMatchObject({ schedule: '*/5 * * * *', contentType: 'application/json', sink: { ref: { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', name: 'internal-services' } } });
    expect(JSON.parse(String(ping['data']))).toEqual({});
  });

  it('when the resync sweep emits its repairs, then a SinkBinding gives its Service the Broker as K_SINK', () => {
    expect(named(objects(), 'SinkBinding', 'resync')['spec']).toEqual({
      subject: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'resync' },
      sink: { ref: { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', name: 'internal-services' } },
    });
  });

  it('when the remote watcher runs, then it carries no token for the private cluster', () => {
    const template = templateOf(named(objects(), 'ContainerSource', 'remote-internalrequests'));
    expect(template.spec.automountServiceAccountToken).toBe(false);
  });
});
