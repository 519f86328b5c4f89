/**
 * The install under its real grants: both API servers (local, or real with TEST_CLUSTER=kube) accept only the tokens of the rendered
 * ServiceAccounts (plus the test's admin), each function runs in its own process with kubeconfigs
 * carrying its identities' tokens (its own on the internal cluster, the one of the remote kubeconfig
 * Secret its manifest mounts on the public one), and both event sources watch with theirs. A function
 * a SinkBinding names (the resync sweep) gets the event sink as its K_SINK, as the binding would give it the Broker.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { ApiServer, TokenGrant } from '../../../local/apiserver/index.js';
import { pipelineRunSourceOptions, remoteSourceOptions } from '../../../local/embedded/source-manifests.js';
import { CONFIG_NAME, INTERNAL_SERVICES_CONFIGS } from '../../../shared/api/index.js';
import { createLogger } from '../../../shared/observability/index.js';
import { createClusterPort } from '../../../shared/kube/index.js';
import type { ClusterPort } from '../../../shared/kube/index.js';
import { startResourceSource } from '../../../sources/remote-source/index.js';
import type { ResourceSource, ResourceSourceOptions } from '../../../sources/remote-source/index.js';
import { named, ofKind, render } from '../../knative/support/render.js';
import type { KubeObject } from '../../knative/support/render.js';
import { startTestApiServer } from '../../support/test-api-server.js';
import { startEventSink } from './event-sink.js';
import type { EventSink } from './event-sink.js';
import { startFunctionProcess } from './function-processes.js';
import type { FunctionProcess } from './function-processes.js';
import { ADMIN_TOKEN, installOf, tokensFor } from './identities.js';
import type { ClusterName, Install } from './identities.js';

export const TENANT = 'team-a';
export const OTHER_TENANT = 'team-b';

export interface RbacSystem {
  readonly install: Install;
  readonly servers: Record<ClusterName, ApiServer>;
  /** The test's own clients (tenants, Tekton, the admin), with the admin token. */
  readonly admin: Record<ClusterName, ClusterPort>;
  readonly functions: Record<string, FunctionProcess>;
  readonly sink: EventSink;
  readonly sources: { requests: ResourceSource; pipelineRuns: ResourceSource };
  /**
   * Another process of function `name` acting with `internalToken` on the internal cluster and
   * `remoteToken` (by default the identity its manifest mounts) on the public one.
   */
  startFunction(name: string, internalToken: string, remoteToken?: string): Promise<FunctionProcess>;
  /** A kubeconfig file for `cluster` carrying `token`. */
  kubeconfig(cluster: ClusterName, token: string): Promise<string>;
  /** A client of `cluster` acting with `token`. */
  portAs(cluster: ClusterName, token: string): ClusterPort;
  stop(): Promise<void>;
}

export interface SystemOptions {
  /** Tokens the internal server accepts besides the install's identities (e.g. a narrowed grant). */
  extraInternalTokens?: Record<string, TokenGrant[]>;
}

async function crdFiles(): Promise<string[]> {
  const names = await readdir('knative/crds');
  return names.filter((n) => n.endsWith('.yaml') && n !== 'kustomization.yaml').map((n) => join('knative/crds', n));
}

function portOf(server: ApiServer, token: string): ClusterPort {
  const kc = new KubeConfig();
  kc.loadFromString(server.kubeconfig({ token }));
  return createClusterPort(kc, `${server.name} as ${token}`);
}

/** The config object of the private install, allowing requests from TENANT only. */
async function seedConfig(internal: ClusterPort, serviceNamespace: string): Promise<void> {
  const manifest = named(render('private'), INTERNAL_SERVICES_CONFIGS.kind, CONFIG_NAME);
  await internal.create(INTERNAL_SERVICES_CONFIGS, serviceNamespace, { ...manifest, spec: { ...(manifest['spec'] as object), allowList: [TENANT] } });
}

const CONNECT_DEADLINE_MS = 10_000;

/** Waits until the source's first watch streams (after its first list), checking often, up to a deadline. */
async function connected(source: ResourceSource, failure: () => string): Promise<void> {
  const deadline = Date.now() + CONNECT_DEADLINE_MS;
  while (source.stats().connected === 0) {
    if (Date.now() > deadline) throw new Error(`after ${CONNECT_DEADLINE_MS} ms: ${failure()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Stops what was started, newest first. */
class Stack {
  private readonly stops: Array<() => Promise<unknown>> = [];

  push<T>(thing: T, stop: (thing: T) => Promise<unknown>): T {
    this.stops.push(() => stop(thing));
    return thing;
  }

  async unwind(): Promise<void> {
    for (const stop of this.stops.splice(0).reverse()) await stop();
  }
}

export async function startSystem(options: SystemOptions = {}): Promise<RbacSystem> {
  const stack = new Stack();
  try {
    return await assemble(stack, options);
  } catch (error) {
    await stack.unwind();
    throw error;
  }
}

const RBAC_KINDS = new Set(['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding']);

/** The overlay's RBAC objects, which a real API server enforces as they are (the local one, as token grants). */
function rbacOf(objects: KubeObject[]): KubeObject[] {
  return objects.filter((o) => RBAC_KINDS.has(o.kind));
}

/** Both clusters, accepting only the tokens of the install's identities, the admin's and `options`'. */
async function startServers(stack: Stack, install: Install, options: SystemOptions): Promise<Record<ClusterName, ApiServer>> {
  const crds = await crdFiles();
  const stopServer = (server: ApiServer): Promise<void> => server.stop();
  const publicServer = await startTestApiServer({
    name: 'public', crdFiles: crds, namespaces: [TENANT, OTHER_TENANT], tokens: tokensFor('public', install.identities), rbac: rbacOf(render('public')),
  });
  stack.push(publicServer, stopServer);
  const internalServer = await startTestApiServer({
    name: 'internal',
    rbac: rbacOf(render('private')),
    crdFiles: [...crds, 'local/crds/tekton.yaml'],
    namespaces: [install.serviceNamespace, install.pipelineRunNamespace],
    tokens: { ...tokensFor('internal', install.identities), ...options.extraInternalTokens },
  });
  stack.push(internalServer, stopServer);
  return { public: publicServer, internal: internalServer };
}

/** The Knative Services a SinkBinding of the private overlay gives a K_SINK. */
function sinkBoundServices(): Set<string> {
  const subjects = ofKind(render('private'), 'SinkBinding').map((binding) => (binding['spec'] as { subject?: { kind?: string; name?: string } }).subject);
  return new Set(subjects.filter((subject) => subject?.kind === 'Service').map((subject) => subject?.name ?? ''));
}

async function assemble(stack: Stack, options: SystemOptions): Promise<RbacSystem> {
  const install = installOf(render('private'), render('public'));
  const servers = await startServers(stack, install, options);
  const portAs = (cluster: ClusterName, token: string): ClusterPort => portOf(servers[cluster], token);
  const admin = { public: portAs('public', ADMIN_TOKEN), internal: portAs('internal', ADMIN_TOKEN) };
  await seedConfig(admin.internal, install.serviceNamespace);

  const dir = stack.push(await mkdtemp(join(tmpdir(), 'rbac-')), (path) => rm(path, { recursive: true, force: true }));
  // Written once per (cluster, token): several processes share one, and a rewrite could meet a reader.
  const written = new Map<string, Promise<string>>();
  const kubeconfig = (cluster: ClusterName, token: string): Promise<string> => {
    const path = join(dir, `${cluster}-${token.replaceAll(':', '_')}.kubeconfig`);
    let file = written.get(path);
    if (!file) written.set(path, (file = servers[cluster].writeKubeconfig(path, { token }).then(() => path)));
    return file;
  };
  const sink = stack.push(await startEventSink(), (s) => s.stop());
  const sinkBound = sinkBoundServices();
  const startFunction = async (name: string, internalToken: string, remoteToken = install.functions[name]?.remote.token): Promise<FunctionProcess> => {
    if (remoteToken === undefined) throw new Error(`no function ${name} in the install`);
    const fn = await startFunctionProcess(name, {
      ...(sinkBound.has(name) ? { K_SINK: sink.url } : {}),
      KUBECONFIG: await kubeconfig('internal', internalToken),
      REMOTE_KUBECONFIG: await kubeconfig('public', remoteToken),
      SERVICE_NAMESPACE: install.serviceNamespace,
      PIPELINE_RUN_NAMESPACE: install.pipelineRunNamespace,
      // Every event reads the config afresh, so a config change is seen at once (and counted each time).
      CONFIG_TTL_SECONDS: '0',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    });
    return stack.push(fn, (running) => running.stop());
  };
  const started = await Promise.allSettled(Object.entries(install.functions).map(([name, identities]) => startFunction(name, identities.internal.token)));
  const failed = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) throw failed.reason;
  const functions = Object.fromEntries(started.flatMap((result) => (result.status === 'fulfilled' ? [[result.value.name, result.value]] : [])));

  const sourceLog: string[] = [];
  const source = async (sourceOptions: ResourceSourceOptions, component: string): Promise<ResourceSource> => {
    const log = createLogger({ component }, { write: (line) => sourceLog.push(line), minLevel: () => 'info' });
    const watcher = stack.push(await startResourceSource({ ...sourceOptions, log }), (s) => s.stop());
    // Watching from the start, so every later change of the scenarios reaches the sink, and no source call falls inside them.
    await connected(watcher, () => `${component} is not watching yet:\n${sourceLog.join('\n')}`);
    return watcher;
  };
  const sources = {
    requests: await source(await remoteSourceOptions(await kubeconfig('public', install.remoteWatcher.token), sink.url), 'remote-source'),
    pipelineRuns: await source(await pipelineRunSourceOptions(await kubeconfig('internal', install.pipelineRunSource.token), sink.url), 'pipelinerun-source'),
  };
  return { install, servers, admin, functions, sink, sources, startFunction, kubeconfig, portAs, stop: () => stack.unwind() };
}
