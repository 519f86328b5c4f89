/**
 * Least privilege, proved by running the code: the functions, the resync sweep, the remote watcher and
 * the PipelineRun watcher act through the local API servers with exactly the rights the rendered RBAC
 * grants their identities, each workload with the identities its manifest gives it (on the public
 * cluster: the watcher's, the functions' or the sweep's kubeconfig Secret). Every scenario must pass without one refused
 * request (each identity has what its code calls), and across the scenarios every granted permission
 * must be used (nothing more), and by the workload it is meant for.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { CloudEvent } from 'cloudevents';
import type { ApiServer } from '../../local/apiserver/index.js';
import { remoteSourceOptions } from '../../local/embedded/source-manifests.js';
import { FINALIZER, INTERNAL_REQUESTS } from '../../shared/api/index.js';
import type { InternalRequest } from '../../shared/api/index.js';
import { INTERNAL_REQUEST_ADMITTED, INTERNAL_REQUEST_COMPLETED, INTERNAL_REQUEST_DELETING, PING } from '../../shared/events/index.js';
import { createLogger } from '../../shared/observability/index.js';
import { startResourceSource } from '../../sources/remote-source/index.js';
import type { Delay } from '../../sources/remote-source/index.js';
import { render } from '../knative/support/render.js';
import { describeWithKubectl } from '../knative/support/skip-without-kubectl.js';
import { callsOf, callsSince, refusals, refusedCalls, totalOf, unusedPermissions } from './support/call-ledger.js';
import type { Calls } from './support/call-ledger.js';
import { installOf, withoutPermission } from './support/identities.js';
import type { Identity } from './support/identities.js';
import { RequestFlow, deliver } from './support/request-flow.js';
import type { Delivery, RunRef, RunState } from './support/request-flow.js';
import { OTHER_TENANT, startSystem } from './support/system.js';
import type { RbacSystem } from './support/system.js';

const describeRendered = describeWithKubectl();

/**
 * Granted permissions no scenario uses, each with why it is granted anyway. Keep this list short:
 * an entry here is a permission the code does not prove it needs.
 */
const UNUSED_BY_DESIGN: Record<string, string[]> = {
  // Knative's ApiServerSource adapter (not our code) needs get, list and watch on what it watches
  // (Knative's reconciler checks all three before it starts the adapter, ADR 0011); the local stand-in for it,
  // sources/remote-source, only lists and watches.
  'pipelinerun-source': ['get pipelineruns'],
};

/** A token for pipelinerun-creator whose grant lacks the one rule it needs most. */
const NARROWED_TOKEN = 'pipelinerun-creator-without-create-pipelineruns';

let system: RbacSystem;
let flow: RequestFlow;
let identities: Identity[];

const DEADLINE_MS = 10_000;

/** Holds every reconnect until the source stops: a refused source makes exactly one attempt. */
const untilStopped: Delay = (_ms, signal) =>
  new Promise((resolve) => {
    if (!signal || signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });

async function eventually(what: string, holds: () => boolean): Promise<void> {
  const deadline = Date.now() + DEADLINE_MS;
  while (!holds()) {
    if (Date.now() > deadline) throw new Error(`not within ${DEADLINE_MS} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The function that sweeps (ADR 0010): it lists, so it has a public identity of its own. */
const SWEEP = 'resync';

/** The public identity every event function mounts; the install must give them one and the same. */
function functionsIdentity(): Identity {
  const remotes = [...new Set(Object.entries(system.install.functions).filter(([name]) => name !== SWEEP).map(([, f]) => f.remote))];
  if (remotes.length !== 1 || !remotes[0]) throw new Error(`the event functions mount ${remotes.length} public identities, not one`);
  return remotes[0];
}

function sweepIdentity(): Identity {
  const remote = system.install.functions[SWEEP]?.remote;
  if (!remote) throw new Error(`the install has no ${SWEEP} function`);
  return remote;
}

/** What the PingSource of knative/private sends. */
function ping(): CloudEvent<unknown> {
  return new CloudEvent({ type: PING, source: `/apis/v1/namespaces/${system.install.serviceNamespace}/pingsources/resync`, datacontenttype: 'application/json', data: {} });
}

const servers = (): ApiServer[] => [system.servers.public, system.servers.internal];

/** Every identity's served calls so far, by ServiceAccount name. */
function readings(): Record<string, Calls> {
  return Object.fromEntries(identities.map((identity) => [identity.account.name, callsOf(servers(), identity.token)]));
}

function since(before: Record<string, Calls>): Record<string, Calls> {
  const after = readings();
  return Object.fromEntries(Object.entries(after).flatMap(([name, calls]) => {
    const made = callsSince(before[name] ?? {}, calls);
    return totalOf(made) > 0 ? [[name, made]] : [];
  }));
}

function replyOf(delivery: Delivery, type: string): CloudEvent<unknown> {
  expect({ status: delivery.status, text: delivery.text, type: delivery.reply?.type }).toEqual({ status: 200, text: expect.anything(), type });
  return delivery.reply as CloudEvent<unknown>;
}

function expectDone(delivery: Delivery): void {
  expect({ status: delivery.status, text: delivery.text }).toEqual({ status: 204, text: '' });
}

/**
 * Created, admitted, its PipelineRun created (in the pipeline-run namespace, under pipelinerun-creator's
 * own token, which a real API server grants only there) and announced: the request is Running.
 */
async function startRequest(name: string): Promise<{ ir: InternalRequest; run: RunRef }> {
  const ir = await flow.createRequest(name);
  const admitted = replyOf(await flow.send('admission', await flow.requestEvent('add', ir)), INTERNAL_REQUEST_ADMITTED);
  expect((await flow.readRequest(ir))?.metadata.finalizers).toEqual([FINALIZER]);
  expectDone(await flow.send('pipelinerun-creator', admitted));
  const run = await flow.runOf(ir);
  expect(run.namespace).toBe(system.install.pipelineRunNamespace);
  expect(await flow.readRun(run)).toBeDefined();
  expectDone(await flow.send('status-relay', await flow.runEvent('add', run)));
  await flow.setRunStatus(run, { status: 'Unknown', reason: 'Running' });
  expectDone(await flow.send('status-relay', await flow.runEvent('update', run, 'Running')));
  return { ir, run };
}

/** Tekton ends the run; status-relay relays it and announces the completion. */
async function finishRun(run: RunRef, state: RunState): Promise<CloudEvent<unknown>> {
  await flow.setRunStatus(run, state);
  return replyOf(await flow.send('status-relay', await flow.runEvent('update', run, state.reason)), INTERNAL_REQUEST_COMPLETED);
}

/** The tenant deletes the request; admission announces it, cleanup releases it. */
async function deleteRequest(ir: InternalRequest): Promise<void> {
  await flow.deleteRequest(ir);
  const deleting = replyOf(await flow.send('admission', await flow.requestEvent('update', ir)), INTERNAL_REQUEST_DELETING);
  expectDone(await flow.send('cleanup', deleting));
  expect(await flow.readRequest(ir)).toBeUndefined();
}

function table(calls: Record<string, Calls>): string {
  return Object.entries(calls).map(([name, made]) => `  ${name}: ${totalOf(made)} ${JSON.stringify(made)}`).join('\n');
}

describeRendered('least privilege, proved by running the code under the rendered RBAC', () => {
  beforeAll(async () => {
    identities = installOf(render('private'), render('public')).identities;
    const creator = identities.find((i) => i.cluster === 'internal' && i.account.name === 'pipelinerun-creator');
    if (!creator) throw new Error('the private overlay has no pipelinerun-creator ServiceAccount');
    system = await startSystem({ extraInternalTokens: { [NARROWED_TOKEN]: withoutPermission(creator.grants, 'create', 'pipelineruns') } });
    flow = new RequestFlow(system);
  });
  afterAll(() => system?.stop());

  it('when the watchers start, then the remote watcher lists and watches InternalRequests, and the PipelineRun source PipelineRuns, each with its own identity', () => {
    const remote = callsOf(servers(), system.install.remoteWatcher.token);
    const runs = callsOf(servers(), system.install.pipelineRunSource.token);
    expect([remote['public list internalrequests'], remote['public watch internalrequests']]).toEqual([expect.any(Number), expect.any(Number)]);
    expect([runs['internal list pipelineruns'], runs['internal watch pipelineruns']]).toEqual([expect.any(Number), expect.any(Number)]);
    expect(system.sources.requests.stats().connected).toBeGreaterThanOrEqual(1);
    expect(system.sources.pipelineRuns.stats().connected).toBeGreaterThanOrEqual(1);
    expect(refusals(servers())).toEqual([]);
  });

  it('when a request goes add → admitted → PipelineRun → running → done → completed → deleted, then no call is refused (calls per identity printed)', async () => {
    const before = readings();
    const firstDelivery = flow.deliveries.length;
    const { ir, run } = await startRequest('happy');
    const completed = await finishRun(run, { status: 'True', reason: 'Succeeded', results: [{ name: 'SIGNATURE', value: 'sig-1' }] });
    expect((await flow.readRequest(ir))?.status).toMatchObject({ results: { SIGNATURE: 'sig-1' }, conditions: [{ status: 'True', reason: 'Succeeded' }] });
    expectDone(await flow.send('cleanup', completed));
    expect(await flow.readRun(run)).toBeUndefined();
    await deleteRequest(ir);

    expect(refusals(servers())).toEqual([]);
    const steps = flow.deliveries.slice(firstDelivery).map(({ functionName, eventType, calls }) =>
      `  ${functionName} ← ${eventType.split('.').slice(-2).join('.')}: ${totalOf(calls)} ${JSON.stringify(calls)}`);
    console.log(`API calls per identity for one request on the happy path, create to gone:\n${table(since(before))}\nby delivery:\n${steps.join('\n')}`);
  });

  it('when the run fails, then the request is Failed and the run deleted, with no call refused', async () => {
    const { ir, run } = await startRequest('fails');
    const completed = await finishRun(run, { status: 'False', reason: 'Failed', message: 'Tasks Completed: 1 (Failed: 1)' });
    expect((await flow.readRequest(ir))?.status?.conditions?.[0]).toMatchObject({ status: 'False', reason: 'Failed' });
    expectDone(await flow.send('cleanup', completed));
    expect(await flow.readRun(run)).toBeUndefined();
    expect(refusals(servers())).toEqual([]);
  });

  it('when a request comes from a namespace not on the allow list, then it is rejected, and once deleted its finalizer is released, with no call refused', async () => {
    const ir = await flow.createRequest('rejected', OTHER_TENANT);
    expectDone(await flow.send('admission', await flow.requestEvent('add', ir)));
    expect((await flow.readRequest(ir))?.status?.conditions?.[0]).toMatchObject({ status: 'False', reason: 'Rejected' });
    await deleteRequest(ir);
    expect(refusals(servers())).toEqual([]);
  });

  it('when the config says debug, then cleanup keeps the run, with no call refused', async () => {
    await flow.setConfig({ debug: true });
    try {
      const { run } = await startRequest('debugged');
      expectDone(await flow.send('cleanup', await finishRun(run, { status: 'True', reason: 'Succeeded' })));
      expect(await flow.readRun(run)).toBeDefined();
    } finally {
      await flow.setConfig({ debug: false });
    }
    expect(refusals(servers())).toEqual([]);
  });

  it('when a running request is deleted, then its run is cancelled and the request released, with no call refused', async () => {
    const { ir, run } = await startRequest('deleted-mid-run');
    await deleteRequest(ir);
    expect((await flow.readRun(run))?.spec).toMatchObject({ status: 'Cancelled' });
    expect(refusals(servers())).toEqual([]);
  });

  it('when the update of a finished run is lost, then the resync sweep relays it and announces the completion, and cleanup removes the run, with no call refused', async () => {
    const { ir, run } = await startRequest('swept');
    await flow.setRunStatus(run, { status: 'True', reason: 'Succeeded' }); // its update event is never delivered
    expectDone(await flow.send('resync', ping()));
    expect((await flow.readRequest(ir))?.status?.conditions?.[0]).toMatchObject({ status: 'True', reason: 'Succeeded' });
    const completed = await system.sink.waitFor('the completed event of the sweep', (event) =>
      event.type === INTERNAL_REQUEST_COMPLETED && event.source === '/internal-services/resync' && (event.data as { name?: string }).name === 'swept');
    expectDone(await flow.send('cleanup', completed));
    expect(await flow.readRun(run)).toBeUndefined();
    expect(refusals(servers())).toEqual([]);
  });

  it('when every scenario above has run, then each identity has used every permission it is granted, save the listed exceptions', () => {
    const unused = Object.fromEntries(identities.map((identity) => [identity.account.name, unusedPermissions(identity, callsOf(servers(), identity.token))]));
    const expected = Object.fromEntries(identities.map((identity) => [identity.account.name, UNUSED_BY_DESIGN[identity.account.name] ?? []]));
    expect(unused).toEqual(expected);
  });

  it('when the functions, the sweep and the remote watcher act on the public cluster, then each uses its own identity: the functions only get and patch with theirs, the sweep only lists and patches status, the watcher only lists and watches', () => {
    const watcher = system.install.remoteWatcher;
    const functions = functionsIdentity();
    const sweep = sweepIdentity();
    expect([watcher.account.name, functions.account.name, sweep.account.name]).toEqual(['internal-services-watcher', 'internal-services-functions', 'internal-services-resync']);
    const inDeliveries = flow.callsByIdentity();
    const onPublic = (calls: Calls = {}): string[] => Object.keys(calls).filter((key) => key.startsWith('public ')).sort();
    // Every call made as the functions' identity was made by a function handling an event, and none as the watcher's.
    expect(callsOf(servers(), functions.token)).toEqual(inDeliveries[functions.account.name]);
    expect(inDeliveries[watcher.account.name]).toBeUndefined();
    expect(onPublic(inDeliveries[functions.account.name])).toEqual(['public get internalrequests', 'public patch internalrequests', 'public patch internalrequests/status']);
    expect(callsOf(servers(), sweep.token)).toEqual(inDeliveries[sweep.account.name]);
    expect(onPublic(inDeliveries[sweep.account.name])).toEqual(['public list internalrequests', 'public patch internalrequests/status']);
    expect(Object.keys(flow.callsByFunction()[SWEEP] ?? {}).filter((key) => key.startsWith('public ')).sort()).toEqual(onPublic(inDeliveries[sweep.account.name]));
    expect(onPublic(callsOf(servers(), watcher.token))).toEqual(['public list internalrequests', 'public watch internalrequests']);
    const byWatcher = callsOf(servers(), watcher.token);
    console.log(`API calls per function over all scenarios:\n${table(flow.callsByFunction())}\nremote watcher:\n  ${totalOf(byWatcher)} ${JSON.stringify(byWatcher)}`);
  });

  it('when pipelinerun-creator runs without its create-PipelineRuns rule, then its event fails with 403 Forbidden and the check above reports it', async () => {
    const narrowed = await system.startFunction('pipelinerun-creator', NARROWED_TOKEN);
    const ir = await flow.createRequest('narrowed');
    const admitted = replyOf(await flow.send('admission', await flow.requestEvent('add', ir)), INTERNAL_REQUEST_ADMITTED);
    const before = refusedCalls(servers());
    const delivery = await deliver(narrowed.url, admitted);
    expect(delivery.status).toBe(500);
    expect(delivery.text).toMatch(/403 Forbidden.* cannot create resource "pipelineruns" in API group "tekton\.dev"/);
    expect(callsSince(before, refusedCalls(servers()))).toEqual({ [`internal ${NARROWED_TOKEN} create pipelineruns`]: 1 });
  });

  it('when the watcher\'s public identity is used to read one request or write it, then each call is refused 403, and a function given it fails its event', async () => {
    const watcher = system.install.remoteWatcher;
    const ir = await flow.createRequest('with-watcher-identity');
    const event = await flow.requestEvent('add', ir);
    const before = refusedCalls(servers());
    const asWatcher = system.portAs('public', watcher.token);
    const attempts = await Promise.allSettled([
      asWatcher.get(INTERNAL_REQUESTS, ir.metadata.namespace, ir.metadata.name),
      asWatcher.patch(INTERNAL_REQUESTS, ir.metadata.namespace, ir.metadata.name, { merge: { metadata: { finalizers: [FINALIZER] } } }),
      asWatcher.patchStatus(INTERNAL_REQUESTS, ir.metadata.namespace, ir.metadata.name, { merge: { status: { results: { a: 'b' } } } }),
    ]);
    expect(attempts.map((a) => (a.status === 'rejected' ? (a.reason as { code?: number }).code : 'allowed'))).toEqual([403, 403, 403]);
    const admission = await system.startFunction('admission', system.install.functions['admission']?.internal.token ?? '', watcher.token);
    const delivery = await deliver(admission.url, event);
    expect(delivery.status).toBe(500);
    // A new request's first call is admission's finalizer patch on the event's copy (ADR 0014), not a read.
    expect(delivery.text).toMatch(/403 Forbidden.* cannot patch resource "internalrequests" in API group "appstudio\.redhat\.com"/);
    const as = `public ${watcher.token}`;
    expect(callsSince(before, refusedCalls(servers()))).toEqual({ [`${as} get internalrequests`]: 1, [`${as} patch internalrequests`]: 2, [`${as} patch internalrequests/status`]: 1 });
  });

  it('when the functions\' public identity is used to list or watch, then each call is refused 403, and the remote watcher given it never starts watching', async () => {
    const functions = functionsIdentity();
    const before = refusedCalls(servers());
    await expect(system.portAs('public', functions.token).list(INTERNAL_REQUESTS, undefined)).rejects.toMatchObject({ code: 403 });
    const { group, version, plural } = INTERNAL_REQUESTS;
    const watch = await fetch(`${system.servers.public.url}/apis/${group}/${version}/${plural}?watch=true`, { headers: { authorization: `Bearer ${functions.token}` } });
    await watch.body?.cancel();
    expect(watch.status).toBe(403);
    const log: string[] = [];
    const options = await remoteSourceOptions(await system.kubeconfig('public', functions.token), system.sink.url);
    const watcher = await startResourceSource({ ...options, reconnectDelay: untilStopped, log: createLogger({ component: 'remote-source' }, { write: (line) => log.push(line), minLevel: () => 'info' }) });
    try {
      await eventually('the watcher\'s first list fails', () => watcher.stats().failures > 0);
      expect(watcher.stats()).toMatchObject({ lists: 0, connected: 0 });
      expect(log.join('\n')).toMatch(/"list failed; retrying".*is forbidden: .* cannot list resource/);
    } finally {
      await watcher.stop();
    }
    const as = `public ${functions.token}`;
    expect(callsSince(before, refusedCalls(servers()))).toEqual({ [`${as} list internalrequests`]: 2, [`${as} watch internalrequests`]: 1 });
  });

  it('when the sweep\'s public identity is used to read one request, write it or watch, then each call is refused 403', async () => {
    const sweep = sweepIdentity();
    const ir = await flow.createRequest('with-sweep-identity');
    const before = refusedCalls(servers());
    const asSweep = system.portAs('public', sweep.token);
    const attempts = await Promise.allSettled([
      asSweep.get(INTERNAL_REQUESTS, ir.metadata.namespace, ir.metadata.name),
      asSweep.patch(INTERNAL_REQUESTS, ir.metadata.namespace, ir.metadata.name, { merge: { metadata: { finalizers: [FINALIZER] } } }),
    ]);
    expect(attempts.map((a) => (a.status === 'rejected' ? (a.reason as { code?: number }).code : 'allowed'))).toEqual([403, 403]);
    const { group, version, plural } = INTERNAL_REQUESTS;
    const watch = await fetch(`${system.servers.public.url}/apis/${group}/${version}/${plural}?watch=true`, { headers: { authorization: `Bearer ${sweep.token}` } });
    await watch.body?.cancel();
    expect(watch.status).toBe(403);
    const as = `public ${sweep.token}`;
    expect(callsSince(before, refusedCalls(servers()))).toEqual({ [`${as} get internalrequests`]: 1, [`${as} patch internalrequests`]: 1, [`${as} watch internalrequests`]: 1 });
  });
});
