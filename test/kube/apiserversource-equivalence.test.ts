/**
 * Knative's real ApiServerSource adapter and our watcher, side by side on one real kube-apiserver:
 * the same object changes must make the same CloudEvents (type, source, subject, extensions and data;
 * `id` and `time` are per send). Each is configured from the same manifest: the PipelineRun
 * ApiServerSource of knative/private for PipelineRuns (the adapter as Knative's reconciler would configure
 * it, its namespaceSelector resolved against this server's namespaces), the remote watcher's
 * ContainerSource for InternalRequests. What the adapter sends is kept as fixtures (test/fixtures/apiserversource/), which
 * the function suites replay, so the functions are proven on what production sends them.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import type { CloudEvent } from 'cloudevents';
import type { ApiServer } from '../../local/apiserver/index.js';
import { findManifest, readManifests } from '../../local/embedded/manifest-files.js';
import { PRIVATE_DIR } from '../../local/embedded/project-paths.js';
import { pipelineRunNamespaceOfInstall, pipelineRunSourceOptions, remoteSourceOptions, serviceNamespaceOfInstall } from '../../local/embedded/source-manifests.js';
import { INTERNAL_REQUESTS, InternalServicesConfigSpecSchema, PIPELINE_RUNS } from '../../shared/api/index.js';
import type { InternalRequest, PipelineRunManifest } from '../../shared/api/index.js';
import { buildPipelineRun } from '../../shared/core/index.js';
import { createClusterPort } from '../../shared/kube/index.js';
import { createLogger } from '../../shared/observability/index.js';
import type { Logger } from '../../shared/observability/index.js';
import type { ClusterPort } from '../../shared/kube/index.js';
import { startResourceSource } from '../../sources/remote-source/index.js';
import type { ResourceSource } from '../../sources/remote-source/index.js';
import { startTestApiServer } from '../support/test-api-server.js';
import { FIXTURE_DIR, fixtureFile } from '../support/apiserversource-fixtures.js';
import type { Fixture } from '../support/apiserversource-fixtures.js';
import { adapterOptionsOf, startReceiveAdapter } from './support/receive-adapter.js';
import type { NamespaceLister, ReceiveAdapter, ReceiveAdapterOptions } from './support/receive-adapter.js';
import { startRecorder } from './support/recorder.js';
import type { Recorder } from './support/recorder.js';

const describeKube = process.env.TEST_CLUSTER === 'kube' ? describe : describe.skip;
/** Where the ApiServerSource lives, and, in the install, where runs must never be watched from. */
const SERVICE_NAMESPACE = await serviceNamespaceOfInstall();
/** Where pipelinerun-creator creates runs, and the ApiServerSource watches them. */
const PIPELINE_RUN_NAMESPACE = await pipelineRunNamespaceOfInstall();
const TENANT = 'team-a';
const NAME_LABEL = 'internal-services.appstudio.openshift.io/name';
const FINALIZER = 'internal-services.appstudio.openshift.io/pipelinerun-cleanup';
/** Set to rewrite the committed fixtures from this run's recording. */
const RECORD = process.env.RECORD_APISERVERSOURCE_FIXTURES === '1';

/** What must be equal between the two sources: everything but the per-send `id` and `time`. */
function comparable(event: CloudEvent<unknown>): Record<string, unknown> {
  const { id: _id, time: _time, ...rest } = event.toJSON() as Record<string, unknown>;
  return rest;
}

function now(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

/** A run as pipelinerun-creator builds it for `ir` (or, unlabelled, one the selector must leave out). */
function pipelineRun(ir: InternalRequest, labelled = true, namespace = PIPELINE_RUN_NAMESPACE): PipelineRunManifest {
  const built = buildPipelineRun(ir, InternalServicesConfigSpecSchema.parse({ allowList: [TENANT] }), namespace);
  return labelled ? built : { ...built, metadata: { ...built.metadata, name: `unlabelled-${ir.metadata.name}`, labels: { unrelated: 'yes' } } };
}

function internalRequest(name: string): object {
  return {
    apiVersion: 'appstudio.redhat.com/v1alpha1', kind: 'InternalRequest',
    metadata: { name, namespace: TENANT },
    spec: { pipeline: { pipelineRef: { resolver: 'cluster', params: [{ name: 'name', value: 'hello' }] } }, params: { who: 'world' } },
  };
}

interface Pair { adapter: ReceiveAdapter; ours: ResourceSource; adapterSink: Recorder; ourSink: Recorder }
type AdapterConfig = Pick<ReceiveAdapterOptions, 'name' | 'namespace' | 'watched' | 'resources' | 'mode'>;

describeKube('Knative ApiServerSource adapter and our watcher, on one real kube-apiserver', () => {
  let dir: string;
  let server: ApiServer;
  let port: ClusterPort;
  let kubeconfig: string;
  let listNamespaces: NamespaceLister;
  const pairs: Pair[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'apiserversource-'));
    server = await startTestApiServer({
      name: 'kube', crdFiles: ['knative/crds/internalrequests.yaml', 'local/crds/tekton.yaml'], namespaces: [SERVICE_NAMESPACE, PIPELINE_RUN_NAMESPACE, TENANT],
    });
    kubeconfig = join(dir, 'kubeconfig');
    await server.writeKubeconfig(kubeconfig);
    const kc = new KubeConfig();
    kc.loadFromString(server.kubeconfig());
    port = createClusterPort(kc, 'test');
    const core = kc.makeApiClient(CoreV1Api);
    listNamespaces = async (labelSelector) => (await core.listNamespace(labelSelector ? { labelSelector } : {})).items.map((ns) => ns.metadata?.name ?? '');
  }, 20 * 60_000);

  afterAll(async () => {
    for (const pair of pairs) await Promise.all([pair.adapter.stop(), pair.ours.stop(), pair.adapterSink.stop(), pair.ourSink.stop()]);
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /**
   * Starts both on the same resource and waits until each delivers the add of a probe object. The adapter
   * announces nothing that exists when its informer lists, and says nothing of when that is: probe with
   * new objects until one reaches it.
   */
  async function startPair(what: string, config: AdapterConfig, ours: (sink: string) => Promise<ResourceSource>, probe: (name: string) => Promise<string>): Promise<Pair> {
    const [adapterSink, ourSink] = [await startRecorder(), await startRecorder()];
    const adapter = await startReceiveAdapter({ ...config, kubeconfig, sink: adapterSink.url, logFile: join(dir, `${what}.log`) });
    const pair = { adapter, ours: await ours(ourSink.url), adapterSink, ourSink };
    pairs.push(pair);
    await pair.ours.synced;
    const probes: string[] = [];
    const probed = (events: Array<CloudEvent<unknown>>): boolean => events.some((e) => probes.includes(String(e['name'])));
    const deadline = Date.now() + 60_000;
    while (!probed(adapterSink.events())) {
      if (Date.now() > deadline) throw new Error(`the adapter sent nothing for ${probes.join(', ')} in 60 s; its log:\n${(await adapter.log()).slice(-3000)}`);
      probes.push(await probe(`${what}-probe-${probes.length}`));
      await adapterSink.waitFor(`the adapter's event for a probe`, probed, 500).catch(() => undefined);
    }
    await ourSink.waitFor('our events for the probes', (events) => probes.every((name) => events.some((e) => e['name'] === name)));
    adapterSink.clear();
    ourSink.clear();
    return pair;
  }

  it('when the PipelineRun ApiServerSource is reconciled, then its namespaceSelector resolves to the pipeline-run namespace alone, and the adapter and ours get the same resource and selector', async () => {
    const config = await adapterOptionsOf(await pipelineRunSourceManifest(), listNamespaces);
    expect(config).toEqual({
      name: 'pipelineruns', namespace: SERVICE_NAMESPACE, mode: 'Resource',
      watched: { namespaces: [PIPELINE_RUN_NAMESPACE], allNamespaces: false },
      resources: [{ group: 'tekton.dev', version: 'v1', resource: 'pipelineruns', selector: NAME_LABEL }],
    });
    expect(await pipelineRunSourceOptions(kubeconfig, 'http://127.0.0.1:1/')).toMatchObject({ namespace: PIPELINE_RUN_NAMESPACE, labelSelector: NAME_LABEL });
  });

  it('when PipelineRuns are created, change status and are deleted, then both send the same events, and neither sends any for a run outside the selector or outside the namespace it selects', async () => {
    const pair = await startPair('pipelineruns', await adapterOptionsOf(await pipelineRunSourceManifest(), listNamespaces),
      async (sink) => startResourceSource({ ...(await pipelineRunSourceOptions(kubeconfig, sink)), log: silent() }),
      async (name) => (await port.create<PipelineRunManifest>(PIPELINE_RUNS, PIPELINE_RUN_NAMESPACE, pipelineRun(await port.create(INTERNAL_REQUESTS, TENANT, internalRequest(name))))).metadata.name);

    const ir = await port.create<InternalRequest>(INTERNAL_REQUESTS, TENANT, internalRequest('relayed'));
    const run = pipelineRun(ir);
    const runA = run.metadata.name;
    await port.create(PIPELINE_RUNS, PIPELINE_RUN_NAMESPACE, pipelineRun(ir, false));
    await port.create(PIPELINE_RUNS, SERVICE_NAMESPACE, pipelineRun(await port.create(INTERNAL_REQUESTS, TENANT, internalRequest('elsewhere')), true, SERVICE_NAMESPACE));
    await port.create(PIPELINE_RUNS, PIPELINE_RUN_NAMESPACE, run);
    const started = now();
    await port.patchStatus(PIPELINE_RUNS, PIPELINE_RUN_NAMESPACE, runA, { merge: { status: { startTime: started, conditions: [{ type: 'Succeeded', status: 'Unknown', reason: 'Running', message: 'Tasks Completed: 0 (Failed: 0, Cancelled 0), Incomplete: 1, Skipped: 0', lastTransitionTime: started }] } } });
    await port.patchStatus(PIPELINE_RUNS, PIPELINE_RUN_NAMESPACE, runA, {
      merge: { status: { completionTime: now(), conditions: [{ type: 'Succeeded', status: 'True', reason: 'Succeeded', message: 'Tasks Completed: 1 (Failed: 0, Cancelled 0), Skipped: 0', lastTransitionTime: now() }], results: [{ name: 'message', value: 'Hello, world!' }] } },
    });
    await port.delete(PIPELINE_RUNS, PIPELINE_RUN_NAMESPACE, runA);

    const fourFor = (events: Array<CloudEvent<unknown>>): boolean => events.filter((e) => e['name'] === runA).length === 4;
    await pair.adapterSink.waitFor('four events for the run from the adapter', fourFor);
    await pair.ourSink.waitFor('four events for the run from ours', fourFor);
    const adapterEvents = pair.adapterSink.events();
    expect(adapterEvents.map((e) => `${e.type} ${String(e['name'])}`)).toEqual([
      `dev.knative.apiserver.resource.add ${runA}`,
      `dev.knative.apiserver.resource.update ${runA}`,
      `dev.knative.apiserver.resource.update ${runA}`,
      `dev.knative.apiserver.resource.delete ${runA}`,
    ]);
    expect(pair.ourSink.events().map(comparable)).toEqual(adapterEvents.map(comparable));
    await keepFixture('pipelineruns', pair);
  }, 120_000);

  it('when an InternalRequest is created, changed, finalized and deleted, then ours sends what the adapter sends except the updates that change neither generation nor deletion (status and finalizer patches)', async () => {
    const adapterConfig: AdapterConfig = {
      name: 'internalrequests', namespace: TENANT, watched: { namespaces: [TENANT], allNamespaces: false }, mode: 'Resource',
      resources: [{ group: 'appstudio.redhat.com', version: 'v1alpha1', resource: 'internalrequests' }],
    };
    const pair = await startPair('internalrequests', adapterConfig,
      async (sink) => startResourceSource({ ...(await remoteSourceOptions(kubeconfig, sink)), log: silent() }),
      async (name) => (await port.create<InternalRequest>(INTERNAL_REQUESTS, TENANT, internalRequest(name))).metadata.name);

    await port.create(INTERNAL_REQUESTS, TENANT, internalRequest('req'));
    await port.patch(INTERNAL_REQUESTS, TENANT, 'req', { merge: { metadata: { finalizers: [FINALIZER] } } });
    const started = now();
    await port.patchStatus(INTERNAL_REQUESTS, TENANT, 'req', { merge: { status: { startTime: started, conditions: [{ type: 'Succeeded', status: 'False', reason: 'Running', message: '', lastTransitionTime: started }] } } });
    await port.patch(INTERNAL_REQUESTS, TENANT, 'req', { merge: { spec: { params: { who: 'everyone' } } } });
    await port.delete(INTERNAL_REQUESTS, TENANT, 'req');
    await port.patch(INTERNAL_REQUESTS, TENANT, 'req', { merge: { metadata: { finalizers: null } } });

    // add, finalizer, status, spec, deleting, delete
    await pair.adapterSink.waitFor('six events for req from the adapter', (events) => events.filter((e) => e['name'] === 'req').length === 6);
    await pair.ourSink.waitFor('four events for req from ours', (events) => events.filter((e) => e['name'] === 'req').length === 4);
    const adapterEvents = pair.adapterSink.events();
    const [add, finalizer, status, spec, deleting, deleted] = adapterEvents;
    expect([finalizer, status].map((e) => e?.type)).toEqual(['dev.knative.apiserver.resource.update', 'dev.knative.apiserver.resource.update']);
    expect(pair.ourSink.events().map(comparable)).toEqual([add, spec, deleting, deleted].map((e) => comparable(e as CloudEvent<unknown>)));
    await keepFixture('internalrequests', pair);
  }, 120_000);

  /** Writes the adapter's deliveries as the fixture (RECORD), or checks the committed one still has their shape. */
  async function keepFixture(name: string, pair: Pair): Promise<void> {
    const recorded: Fixture = { recordedWith: 'knative.dev/eventing apiserver_receive_adapter (see test/kube/knative/go.mod)', deliveries: pair.adapterSink.deliveries };
    const file = fixtureFile(name);
    if (RECORD) {
      await writeFile(file, JSON.stringify(recorded, null, 2) + '\n');
      return;
    }
    const committed = JSON.parse(await readFile(file, 'utf8')) as Fixture;
    const shape = (f: Fixture): unknown => f.deliveries.map((d) => ({ headers: Object.keys(d.headers).sort(), ceType: d.headers['ce-type'], data: Object.keys(JSON.parse(d.body) as object).sort() }));
    expect({ file: file.replace(FIXTURE_DIR, ''), shape: shape(committed) }).toEqual({ file: file.replace(FIXTURE_DIR, ''), shape: shape(recorded) });
  }
});

function silent(): Logger {
  return createLogger({ component: 'watcher' }, { write: () => undefined, minLevel: () => 'error' });
}

function pipelineRunSourceManifest(): Promise<ReturnType<typeof findManifest>> {
  return readManifests(join(PRIVATE_DIR, 'pipelinerun-source.yaml')).then((manifests) => findManifest(manifests, 'ApiServerSource'));
}
