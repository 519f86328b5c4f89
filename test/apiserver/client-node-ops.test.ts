import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import * as k8s from '@kubernetes/client-node';
import type { ApiServer } from '../../local/apiserver/index.js';
import { startTestApiServer } from '../support/test-api-server.js';
import { GROUP, VERSION, WIDGETS, WIDGET_CRD, bodyOf, kubeConfigFor, mergePatch, statusOf, widget } from './client-node-fixtures.js';
import { localOnly } from './local-only-fixtures.js';

let server: ApiServer;
let api: k8s.CustomObjectsApi;
const where = { group: GROUP, version: VERSION, namespace: 'default', plural: WIDGETS };
const failure = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => { throw new Error('expected a failure'); }, (e: unknown) => e);

beforeAll(async () => {
  server = await startTestApiServer({ name: 'public', crds: [WIDGET_CRD] });
  api = kubeConfigFor(server.kubeconfig()).makeApiClient(k8s.CustomObjectsApi);
});
afterAll(() => server.stop());

describe('fault injection', () => {
  it('when failNext matches verb and resource, then exactly the next N such requests fail with the code and reason', async () => {
    await api.createNamespacedCustomObject({ ...where, body: widget('f1') });
    server.faults.failNext({ verb: 'patch', resource: `${WIDGETS}/status`, count: 2, code: 500 });
    const patchStatus = (): Promise<unknown> => api.patchNamespacedCustomObjectStatus({ ...where, name: 'f1', body: { status: { phase: 'x' } } }, mergePatch);
    await api.getNamespacedCustomObject({ ...where, name: 'f1' });
    const first = await failure(patchStatus());
    expect(statusOf(first)).toBe(500);
    expect(bodyOf(first)).toMatchObject({ kind: 'Status', reason: 'InternalError', code: 500 });
    expect(statusOf(await failure(patchStatus()))).toBe(500);
    await patchStatus();
  });

  it('when failNext names a namespace, a reason and a message, then only requests there fail, with them', async () => {
    server.faults.failNext({ verb: 'get', namespace: 'elsewhere', count: 1, code: 429, message: 'slow down' });
    await api.getNamespacedCustomObject({ ...where, name: 'f1' });
    const error = await failure(api.getNamespacedCustomObject({ ...where, namespace: 'elsewhere', name: 'f1' }));
    expect(statusOf(error)).toBe(429);
    expect(bodyOf(error)).toMatchObject({ reason: 'TooManyRequests', message: 'slow down' });
    server.faults.failNext({ verb: 'list', count: 1, code: 503, reason: 'ServiceUnavailable' });
    server.faults.clear();
    await api.listNamespacedCustomObject(where);
  });

  it('when latency is added for a verb, then those requests are delayed by it', async () => {
    server.faults.addLatency({ verb: 'get', resource: WIDGETS, ms: 60 });
    const started = Date.now();
    await api.getNamespacedCustomObject({ ...where, name: 'f1' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
    server.faults.clear();
  });
});

describe('request counts', () => {
  it('when requests are made, then they are counted by verb and resource (subresources apart)', async () => {
    server.requests.reset();
    await api.createNamespacedCustomObject({ ...where, body: widget('rc1') });
    await api.getNamespacedCustomObject({ ...where, name: 'rc1' });
    await api.getNamespacedCustomObject({ ...where, name: 'rc1' });
    await api.patchNamespacedCustomObjectStatus({ ...where, name: 'rc1', body: { status: { phase: 'y' } } }, mergePatch);
    await failure(api.getNamespacedCustomObject({ ...where, name: 'missing' }));
    expect(server.requests.count({ verb: 'get', resource: WIDGETS })).toBe(3);
    expect(server.requests.count({ verb: 'create' })).toBe(1);
    expect(server.requests.count({ resource: `${WIDGETS}/status` })).toBe(1);
    expect(server.requests.count()).toBe(5);
    expect(server.requests.snapshot()).toEqual([
      { verb: 'create', resource: WIDGETS, count: 1 },
      { verb: 'get', resource: WIDGETS, count: 3 },
      { verb: 'patch', resource: `${WIDGETS}/status`, count: 1 },
    ]);
    server.requests.reset();
    expect(server.requests.count()).toBe(0);
  });
});

describe('bearer-token authorization', () => {
  let secured: ApiServer;
  beforeAll(async () => {
    secured = await startTestApiServer({
      crds: [WIDGET_CRD],
      tokens: {
        reader: [{ verbs: ['get', 'list', 'watch'], resources: [WIDGETS] }],
        'status-writer': [{ verbs: ['get'], resources: [WIDGETS] }, { verbs: ['patch'], resources: [`${WIDGETS}/status`] }],
        admin: [{ verbs: ['*'], resources: ['*'] }],
      },
    });
  });
  afterAll(() => secured.stop());
  const client = (token?: string): k8s.CustomObjectsApi => kubeConfigFor(secured.kubeconfig(token ? { token } : {})).makeApiClient(k8s.CustomObjectsApi);

  it('when no token is sent, then the caller is system:anonymous and RBAC refuses it with 403 Forbidden', async () => {
    const denied = await failure(client().listNamespacedCustomObject(where));
    expect(statusOf(denied)).toBe(403);
    expect(bodyOf(denied)).toMatchObject({
      reason: 'Forbidden',
      message: 'widgets.example.com is forbidden: User "system:anonymous" cannot list resource "widgets" in API group "example.com" in the namespace "default"',
      details: { group: 'example.com', kind: 'widgets' },
    });
    const namespaces = await failure(kubeConfigFor(secured.kubeconfig()).makeApiClient(k8s.CoreV1Api).listNamespace());
    expect(bodyOf(namespaces)).toEqual(expect.objectContaining({
      code: 403,
      message: 'namespaces is forbidden: User "system:anonymous" cannot list resource "namespaces" in API group "" at the cluster scope',
      details: { kind: 'namespaces' },
    }));
  });

  it('when an unknown token is sent, then the server answers 401 Unauthorized, whatever the path', async () => {
    expect(statusOf(await failure(client('guess').listNamespacedCustomObject(where)))).toBe(401);
    for (const path of [`/apis/${GROUP}/${VERSION}/namespaces/default/${WIDGETS}`, '/version', '/healthz', '/apis']) {
      const refused = await fetch(`${secured.url}${path}`, { headers: { authorization: 'Bearer guess' } });
      expect({ path, status: refused.status, body: await refused.json() }).toEqual({
        path, status: 401, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 },
      });
    }
  });

  it('when a token grants the verb on the resource, then the request is served; otherwise 403 Forbidden', async () => {
    await client('admin').createNamespacedCustomObject({ ...where, body: widget('sec') });
    await client('reader').getNamespacedCustomObject({ ...where, name: 'sec' });
    const denied = await failure(client('reader').patchNamespacedCustomObject({ ...where, name: 'sec', body: { spec: { size: 2 } } }, mergePatch));
    expect(statusOf(denied)).toBe(403);
    expect(bodyOf(denied)).toMatchObject({ kind: 'Status', reason: 'Forbidden' });
    expect(bodyOf(denied).message).toBe('widgets.example.com "sec" is forbidden: User "reader" cannot patch resource "widgets" in API group "example.com" in the namespace "default"');
    expect(bodyOf(denied).details).toEqual({ name: 'sec', group: 'example.com', kind: 'widgets' });
  });

  it('when a token lacks a grant for a subresource, then the 403 names plural/subresource as RBAC does', async () => {
    const denied = await failure(client('reader').patchNamespacedCustomObjectStatus({ ...where, name: 'sec', body: { status: { phase: 'x' } } }, mergePatch));
    expect(statusOf(denied)).toBe(403);
    expect(bodyOf(denied).message).toBe('widgets.example.com "sec" is forbidden: User "reader" cannot patch resource "widgets/status" in API group "example.com" in the namespace "default"');
  });

  it('when a token grants only the status subresource, then status patches pass and main-resource patches do not', async () => {
    const writer = client('status-writer');
    await writer.patchNamespacedCustomObjectStatus({ ...where, name: 'sec', body: { status: { phase: 'ok' } } }, mergePatch);
    expect(statusOf(await failure(writer.patchNamespacedCustomObject({ ...where, name: 'sec', body: { spec: { size: 3 } } }, mergePatch)))).toBe(403);
  });

  it('when a valid token asks for discovery, then it is served whatever its grants', async () => {
    const response = await fetch(`${secured.url}/apis`, { headers: { authorization: 'Bearer reader' } });
    expect(response.status).toBe(200);
  });

  it('when no token is sent, then discovery is refused but health and version are served, as system:public-info-viewer allows', async () => {
    const discovery = await fetch(`${secured.url}/api`);
    expect(discovery.status).toBe(403);
    expect(await discovery.json()).toMatchObject({ reason: 'Forbidden', message: 'forbidden: User "system:anonymous" cannot get path "/api"', details: {} });
    expect((await fetch(`${secured.url}/apis`)).status).toBe(403);
    expect((await fetch(`${secured.url}/version`)).status).toBe(200);
    const health = await fetch(`${secured.url}/healthz`);
    expect({ status: health.status, type: health.headers.get('content-type'), body: await health.text() }).toEqual({ status: 200, type: 'text/plain; charset=utf-8', body: 'ok' });
  });

  it('when a token without admin grants asks for a path outside discovery, then it is refused; an admin is told 404', async () => {
    const refused = await fetch(`${secured.url}/not-served`, { headers: { authorization: 'Bearer reader' } });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ reason: 'Forbidden', message: 'forbidden: User "reader" cannot get path "/not-served"', details: {} });
    expect((await fetch(`${secured.url}/not-served`, { headers: { authorization: 'Bearer admin' } })).status).toBe(404);
  });
});

describe('throughput', () => {
  localOnly('it measures the local server itself, not a real one behind the test bed\'s proxy')('when 8 clients create and get 400 objects at once through client-node, then every one is stored and read back (the rate is printed, not judged: timings belong to the bench)', async () => {
    const n = 400;
    const started = performance.now();
    await Promise.all(Array.from({ length: 8 }, async (_, worker) => {
      for (let i = worker; i < n; i += 8) {
        await api.createNamespacedCustomObject({ ...where, body: widget(`tp-${i}`, i) });
        await api.getNamespacedCustomObject({ ...where, name: `tp-${i}` });
      }
    }));
    const seconds = (performance.now() - started) / 1000;
    const perSecond = Math.round((2 * n) / seconds);
    process.stdout.write(`local apiserver throughput: ${2 * n} requests (create+get) in ${seconds.toFixed(2)} s = ${perSecond} req/s via client-node\n`);
    const stored = (await api.listNamespacedCustomObject({ ...where })) as { items: Array<{ metadata: { name: string } }> };
    expect(stored.items.filter((item) => item.metadata.name.startsWith('tp-')).length).toBe(n);
  });
});

describe('command line', () => {
  it('when started with --port and --kubeconfig, then it prints ready <url>, serves the project CRDs, and stops on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'apiserver-cli-'));
    const kubeconfig = join(dir, 'kubeconfig.yaml');
    const child = spawn(process.execPath, ['--import', 'tsx', 'local/apiserver/main.ts', '--port', '0', '--kubeconfig', kubeconfig], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const line = await new Promise<string>((resolve) => createInterface({ input: child.stdout }).once('line', resolve));
      const url = /^ready (http:\/\/127\.0\.0\.1:\d+)$/.exec(line)?.[1];
      expect(url).toBeDefined();
      expect(readFileSync(kubeconfig, 'utf8')).toContain(`server: ${url}`);
      const resources = (await (await fetch(`${url}/apis/tekton.dev/v1`)).json()) as { resources: Array<{ name: string }> };
      expect(resources.resources.map((r) => r.name).sort()).toEqual(['pipelineruns', 'pipelineruns/status', 'pipelines', 'pipelines/status', 'tasks', 'tasks/status']);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL'); // only does anything when an expectation failed before SIGTERM
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
