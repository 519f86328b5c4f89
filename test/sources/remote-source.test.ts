import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { KubeConfig } from '@kubernetes/client-node';
import { INTERNAL_REQUESTS } from '../../shared/api/internal-request.js';
import { PIPELINE_RUNS } from '../../shared/api/pipeline-run.js';
import { CredentialsRefusedError, startResourceSource } from '../../sources/remote-source/index.js';
import type { Delay, ResourceSource, ResourceSourceOptions } from '../../sources/remote-source/index.js';
import { eventually, Gate, internalRequest, startTestCluster } from './support/cluster.js';
import type { TestCluster } from './support/cluster.js';
import { captureLog } from './support/log-capture.js';
import { TestSink } from './support/test-sink.js';
import type { ReceivedEvent } from './support/test-sink.js';

const ADD = 'dev.knative.apiserver.resource.add';
const UPDATE = 'dev.knative.apiserver.resource.update';
const DELETE = 'dev.knative.apiserver.resource.delete';
const IR_RESOURCE = { apiVersion: 'appstudio.redhat.com/v1alpha1', kind: 'InternalRequest', plural: 'internalrequests' };
const instant = async (): Promise<void> => undefined;

let cluster: TestCluster;
let sink: TestSink;
const sources: ResourceSource[] = [];

beforeAll(async () => {
  cluster = await startTestCluster();
  sink = await TestSink.start();
});
afterEach(async () => {
  await Promise.all(sources.splice(0).map((s) => s.stop()));
  sink.clear();
});
afterAll(async () => {
  await sink.stop();
  await cluster.server.stop();
});

async function startSource(options: Partial<ResourceSourceOptions> = {}, on: TestCluster = cluster): Promise<ResourceSource> {
  const source = await startResourceSource({
    kubeconfig: on.kc,
    resource: IR_RESOURCE,
    sink: sink.url,
    dropStatusOnlyUpdates: true,
    reconnectDelay: instant,
    retryDelay: instant,
    log: captureLog().log,
    ...options,
  });
  sources.push(source);
  await source.synced;
  await eventually(() => source.stats().connected === 1, 'the watch to connect');
  await source.idle();
  return source;
}

const named = (name: string) => (e: ReceivedEvent) => e.headers['ce-name'] === name;
const eventsOf = (name: string, type?: string): ReceivedEvent[] =>
  sink.received.filter((e) => named(name)(e) && (type === undefined || e.headers['ce-type'] === type));

describe('remote-source against an API server', () => {
  it('when objects exist before it starts, then it sends an add for each, shaped like ApiServerSource Resource mode', async () => {
    const before = await cluster.port.create<{ metadata: { uid: string } }>(INTERNAL_REQUESTS, 'tenant', internalRequest('existing-1'));
    await cluster.port.create(INTERNAL_REQUESTS, 'tenant', internalRequest('existing-2'));
    const source = await startSource({ namespace: 'tenant' });
    await sink.waitFor(() => eventsOf('existing-1', ADD).length === 1 && eventsOf('existing-2', ADD).length === 1, 'initial adds');
    const [event] = eventsOf('existing-1');
    const stored = await cluster.port.get(INTERNAL_REQUESTS, 'tenant', 'existing-1');
    expect(event?.headers).toMatchObject({
      'ce-specversion': '1.0',
      'ce-type': ADD,
      'ce-source': cluster.server.url,
      'ce-subject': '/apis/appstudio.redhat.com/v1alpha1/namespaces/tenant/internalrequests/existing-1',
      'ce-kind': 'InternalRequest',
      'ce-apiversion': 'appstudio.redhat.com/v1alpha1',
      'ce-name': 'existing-1',
      'ce-namespace': 'tenant',
      'content-type': 'application/json',
      'ce-id': expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(event?.data).toEqual(stored);
    expect(event?.data).toMatchObject({ metadata: { uid: before.metadata.uid } });
    expect(source.stats()).toMatchObject({ lists: 1, sent: 2, lost: 0 });
  });

  it('when an object is created, changed and deleted, then add, update and delete arrive in order with a new id each', async () => {
    await startSource();
    await cluster.port.create(INTERNAL_REQUESTS, 'tenant', internalRequest('life'));
    await cluster.port.patch(INTERNAL_REQUESTS, 'tenant', 'life', { merge: { spec: { params: { who: 'world' } } } });
    await cluster.port.delete(INTERNAL_REQUESTS, 'tenant', 'life');
    await sink.waitFor(() => eventsOf('life', DELETE).length === 1, 'the delete event');
    const events = eventsOf('life');
    expect(events.map((e) => e.headers['ce-type'])).toEqual([ADD, UPDATE, DELETE]);
    expect(new Set(events.map((e) => e.headers['ce-id'])).size).toBe(3);
    expect(events[1]?.data).toMatchObject({ metadata: { generation: 2 }, spec: { params: { who: 'world' } } });
    expect(events[2]?.data).toMatchObject({ spec: { params: { who: 'world' } } }); // the last state
  });

  it('when K_CE_OVERRIDES are configured, then every event carries their extensions', async () => {
    await cluster.port.create(INTERNAL_REQUESTS, 'tenant', internalRequest('overridden'));
    await startSource({ ceOverrides: { extensions: { cluster: 'public', team: 'a' } } });
    await cluster.port.patch(INTERNAL_REQUESTS, 'tenant', 'overridden', { merge: { spec: { params: { x: '1' } } } });
    await sink.waitFor(() => eventsOf('overridden', UPDATE).length === 1, 'the update');
    for (const event of sink.received) expect(event.headers).toMatchObject({ 'ce-cluster': 'public', 'ce-team': 'a' });
  });

  it('when only status, labels or finalizers change, then no update is sent; generation and deletion changes still are', async () => {
    const source = await startSource();
    await cluster.port.create(INTERNAL_REQUESTS, 'tenant', { ...internalRequest('filtered'), metadata: { name: 'filtered', namespace: 'tenant', finalizers: ['test/hold'] } });
    await cluster.port.patchStatus(INTERNAL_REQUESTS, 'tenant', 'filtered', { merge: { status: { pipelineRun: 'ns/run' } } });
    await cluster.port.patch(INTERNAL_REQUESTS, 'tenant', 'filtered', { merge: { metadata: { labels: { seen: 'yes' } } } });
    await cluster.port.patch(INTERNAL_REQUESTS, 'tenant', 'filtered', { merge: { spec: { params: { who: 'x' } } } });
    await cluster.port.delete(INTERNAL_REQUESTS, 'tenant', 'filtered'); // finalizer: marks deleting
    await cluster.port.patch(INTERNAL_REQUESTS, 'tenant', 'filtered', { merge: { metadata: { finalizers: null } } });
    await sink.waitFor(() => eventsOf('filtered', DELETE).length === 1, 'the delete event');
    const updates = eventsOf('filtered', UPDATE).map((e) => {
      const metadata = e.data['metadata'] as { generation: number; deletionTimestamp?: string };
      return { generation: metadata.generation, deleting: metadata.deletionTimestamp !== undefined };
    });
    expect(updates).toEqual([
      { generation: 2, deleting: false },
      { generation: 3, deleting: true },
    ]);
    expect(source.stats().dropped).toBe(2);
  });

  it('when the drop option is off (the PipelineRun watcher), then status-only updates are sent too', async () => {
    await startSource({ resource: { apiVersion: 'tekton.dev/v1', kind: 'PipelineRun' }, dropStatusOnlyUpdates: false });
    const run = { apiVersion: 'tekton.dev/v1', kind: 'PipelineRun', metadata: { name: 'run-1', namespace: 'tenant' }, spec: { pipelineRef: { name: 'p' } } };
    await cluster.port.create(PIPELINE_RUNS, 'tenant', run);
    await cluster.port.patchStatus(PIPELINE_RUNS, 'tenant', 'run-1', { merge: { status: { conditions: [{ type: 'Succeeded', status: 'Unknown', reason: 'Running' }] } } });
    await sink.waitFor(() => eventsOf('run-1', UPDATE).length === 1, 'the status update');
    expect(eventsOf('run-1', UPDATE)[0]?.headers['ce-subject']).toBe('/apis/tekton.dev/v1/namespaces/tenant/pipelineruns/run-1');
  });

  it('when a label selector is set, then only matching objects produce events', async () => {
    await startSource({ labelSelector: 'pick=me' });
    await cluster.port.create(INTERNAL_REQUESTS, 'tenant', { ...internalRequest('ignored'), metadata: { name: 'ignored', namespace: 'tenant' } });
    await cluster.port.create(INTERNAL_REQUESTS, 'tenant', { ...internalRequest('picked'), metadata: { name: 'picked', namespace: 'tenant', labels: { pick: 'me' } } });
    await sink.waitFor(() => eventsOf('picked', ADD).length === 1, 'the matching add');
    expect(eventsOf('ignored')).toEqual([]);
  });

  it('when the server fails watch requests, then it reconnects with growing backoff and resumes without losing changes', async () => {
    const waits: number[] = [];
    const source = await startSource({ reconnectDelay: async (ms) => void waits.push(ms), backoff: { initialMs: 100, maxMs: 1000, random: () => 0.5 } });
    cluster.server.faults.failNext({ verb: 'watch', resource: 'internalrequests', count: 3, code: 500 });
    cluster.server.faults.cutWatches('internalrequests');
    await cluster.port.create(INTERNAL_REQUESTS, 'tenant', internalRequest('after-outage'));
    await sink.waitFor(() => eventsOf('after-outage', ADD).length === 1, 'the change made during the outage');
    expect(source.stats().connected).toBe(2);
    expect(waits.filter((ms) => ms > 0).slice(0, 4)).toEqual([75, 150, 300, 600]); // three quarters of 100, 200, 400, 800: the jitter drew 0.5
    expect(source.stats().lists).toBe(1);
    expect(source.stats().failures).toBeGreaterThanOrEqual(3);
  });

  it('when the first list fails, then it retries until it can list', async () => {
    cluster.server.faults.failNext({ verb: 'list', resource: 'internalrequests', count: 2, code: 503 });
    const source = await startSource();
    expect(source.stats()).toMatchObject({ lists: 1, failures: 2 });
  });

  it('when the sink keeps failing, then each send is retried and then logged as lost, and later events still flow', async () => {
    const { log, lines } = captureLog();
    const source = await startSource({ log });
    sink.answerNext(500, 6);
    await cluster.port.create(INTERNAL_REQUESTS, 'tenant', internalRequest('lost-one'));
    await eventually(() => source.stats().lost === 1, 'the event to be given up');
    await cluster.port.create(INTERNAL_REQUESTS, 'tenant', internalRequest('next-one'));
    await sink.waitFor(() => eventsOf('next-one', ADD).length === 1, 'the next event');
    expect(lines.filter((l) => l.message === 'event lost')).toEqual([
      expect.objectContaining({
        level: 'error',
        type: ADD,
        subject: '/apis/appstudio.redhat.com/v1alpha1/namespaces/tenant/internalrequests/lost-one',
        attempts: 6,
        status: 500,
      }),
    ]);
    expect(source.stats()).toMatchObject({ lost: 1 });
  });

  it('when the sink stops answering, then at most maxPendingEvents wait in memory: the watch pauses and later resumes where it was, losing nothing', async () => {
    const source = await startSource({ sendConcurrency: 2, maxPendingEvents: 4 });
    const release = sink.holdResponses();
    for (let i = 0; i < 10; i += 1) await cluster.port.create(INTERNAL_REQUESTS, 'tenant', internalRequest(`backlog-${i}`));
    await eventually(() => source.stats().paused >= 1, 'the watch to pause');
    expect(source.stats().pending).toBeLessThanOrEqual(4);
    await cluster.port.get(INTERNAL_REQUESTS, 'tenant', 'backlog-9'); // the server is done; the source must not have read ahead
    expect(source.stats().pending).toBeLessThanOrEqual(4);
    release();
    await sink.waitFor(() => eventsOf('backlog-9', ADD).length === 1, 'the last add after the pause');
    await source.idle();
    for (let i = 0; i < 10; i += 1) expect(eventsOf(`backlog-${i}`, ADD)).toHaveLength(1);
    expect(source.stats()).toMatchObject({ lost: 0, lists: 1, pending: 0 });
  });

  it('when the sink stops answering during the first list, then the list is read a page at a time, never holding more than maxPendingEvents, and every object gets its add', async () => {
    const labels = { batch: 'paged' };
    for (let i = 0; i < 20; i += 1) await cluster.port.create(INTERNAL_REQUESTS, 'tenant', { ...internalRequest(`paged-${i}`), metadata: { name: `paged-${i}`, namespace: 'tenant', labels } });
    const listsBefore = cluster.server.requests.count({ verb: 'list', resource: 'internalrequests' });
    const release = sink.holdResponses();
    const source = await startResourceSource({
      kubeconfig: cluster.kc, resource: IR_RESOURCE, sink: sink.url, labelSelector: 'batch=paged', sendConcurrency: 2, maxPendingEvents: 6,
      reconnectDelay: instant, retryDelay: instant, log: captureLog().log,
    });
    sources.push(source);
    let synced = false;
    void source.synced.then(() => (synced = true));
    await eventually(() => source.stats().paused >= 1, 'the list to wait for room');
    expect(source.stats()).toMatchObject({ pending: 6, lists: 0 });
    expect(cluster.server.requests.count({ verb: 'list', resource: 'internalrequests' }) - listsBefore).toBe(1); // one page of 6, no reading ahead
    expect(synced).toBe(false);
    release();
    await source.synced;
    await sink.waitFor(() => eventsOf('paged-19', ADD).length === 1, 'the last add');
    await source.idle();
    for (let i = 0; i < 20; i += 1) expect(eventsOf(`paged-${i}`, ADD)).toHaveLength(1);
    expect(source.stats()).toMatchObject({ lists: 1, lost: 0, pending: 0 });
    expect(cluster.server.requests.count({ verb: 'list', resource: 'internalrequests' }) - listsBefore).toBeGreaterThanOrEqual(4); // pages of at most 6
  });

  it('when stopped while the sink keeps failing, then retries end after the grace period and the rest is logged as lost, so the stop ends', async () => {
    const { log, lines } = captureLog();
    const inBackoff = new Gate();
    const untilAborted: Delay = (_ms, signal) => new Promise((resolve) => {
      void inBackoff.wait();
      signal?.addEventListener('abort', () => resolve(), { once: true });
    });
    const source = await startSource({ log, retryDelay: untilAborted, stopGraceMs: 0 });
    const sentBefore = source.stats().sent;
    sink.answerNext(503, 1);
    await cluster.port.create(INTERNAL_REQUESTS, 'tenant', internalRequest('never-delivered'));
    await inBackoff.entered;
    await source.stop();
    expect(source.stats()).toMatchObject({ sent: sentBefore, lost: 1, pending: 0 });
    expect(lines.filter((l) => l.message === 'event lost')).toEqual([expect.objectContaining({ attempts: 1, status: 503, stopping: true })]);
  });

  it('when stopped, then in-flight sends finish first, no later change is sent and nothing is logged as failed', async () => {
    const { log, lines } = captureLog();
    const source = await startSource({ log });
    const release = sink.holdResponses();
    await cluster.port.create(INTERNAL_REQUESTS, 'tenant', internalRequest('in-flight'));
    await eventually(() => sink.held > 0, 'the send to reach the sink');
    let stopped = false;
    const stopping = source.stop().then(() => (stopped = true));
    for (let i = 0; i < 20; i += 1) await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(eventsOf('in-flight', ADD)).toHaveLength(1);
    await cluster.port.create(INTERNAL_REQUESTS, 'tenant', internalRequest('after-stop'));
    const sentBefore = sink.attempts;
    await cluster.port.get(INTERNAL_REQUESTS, 'tenant', 'after-stop');
    expect(sink.attempts).toBe(sentBefore);
    expect(source.stats().watches).toBe(1);
    expect(lines.filter((l) => l.level !== 'info')).toEqual([]);
  });
});

describe('remote-source when its resourceVersion expires', () => {
  let small: TestCluster;
  // A real server answers a resumed watch from its watch cache, whatever etcd forgot: serve watches from etcd.
  beforeAll(async () => (small = await startTestCluster({ watchCache: false })));
  afterAll(async () => small.server.stop());

  it('when the watch resumes after the server forgot the changes it missed (410 Gone), then it relists and sends an add for every object', async () => {
    await small.port.create(INTERNAL_REQUESTS, 'tenant', internalRequest('old'));
    const gate = new Gate();
    const source = await startSource({ reconnectDelay: () => gate.wait() }, small);
    await sink.waitFor(() => eventsOf('old', ADD).length === 1, 'the initial add');
    small.server.faults.cutWatches('internalrequests');
    await gate.entered;
    for (let i = 0; i < 5; i += 1) await small.port.create(INTERNAL_REQUESTS, 'tenant', internalRequest(`while-away-${i}`));
    await small.server.faults.expireHistory();
    gate.open();
    await sink.waitFor(() => eventsOf('while-away-4', ADD).length === 1 && eventsOf('old', ADD).length === 2, 'adds after the relist');
    expect(source.stats().lists).toBe(2);
    for (let i = 0; i < 5; i += 1) expect(eventsOf(`while-away-${i}`, ADD)).toHaveLength(1);
  });
});

describe('remote-source when the API server refuses its credentials', () => {
  let guarded: TestCluster;
  beforeAll(async () => (guarded = await startTestCluster({ tokens: { 'good-token': [{ verbs: ['*'], resources: ['*'] }] } })));
  afterAll(async () => guarded.server.stop());

  it('when the token is refused (401), then it stops at once with an error saying so instead of retrying a token that cannot get better', async () => {
    const { log, lines } = captureLog();
    const kc = new KubeConfig();
    kc.loadFromString(guarded.server.kubeconfig({ token: 'revoked-token' }));
    const source = await startResourceSource({ kubeconfig: kc, resource: IR_RESOURCE, sink: sink.url, reconnectDelay: instant, retryDelay: instant, log });
    sources.push(source);
    await expect(source.synced).rejects.toThrow(CredentialsRefusedError);
    await expect(source.ended).rejects.toThrow(`${guarded.server.url} refused the credentials (401 Unauthorized)`);
    expect(source.stats()).toMatchObject({ lists: 0, failures: 1 });
    expect(guarded.server.requests.count({ verb: 'list', resource: 'internalrequests' })).toBe(1);
    expect(lines.filter((l) => l.level === 'error')).toEqual([expect.objectContaining({ message: 'watch ended', error: expect.stringContaining('refused the credentials (401 Unauthorized)') })]);
  });

  it('when the token is refused only after the watch ran (a revoked token), then it ends the same way', async () => {
    const kc = new KubeConfig();
    kc.loadFromString(guarded.server.kubeconfig({ token: 'good-token' }));
    const gate = new Gate();
    const source = await startSource({ kubeconfig: kc, reconnectDelay: () => gate.wait() }, guarded);
    guarded.server.faults.failNext({ verb: 'watch', resource: 'internalrequests', count: 1, code: 401, reason: 'Unauthorized', message: 'Unauthorized' });
    guarded.server.faults.cutWatches('internalrequests');
    await gate.entered;
    gate.open();
    await expect(source.ended).rejects.toThrow(CredentialsRefusedError);
    await expect(source.synced).resolves.toBeUndefined();
  });
});
