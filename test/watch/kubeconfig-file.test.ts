import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Agent as HttpsAgent } from 'node:https';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { KubeReader, loadKubeAccess } from '../../shared/watch/index.js';
import { startTestCluster } from '../sources/support/cluster.js';
import type { TestCluster } from '../sources/support/cluster.js';

let dir: string;
beforeAll(async () => (dir = await mkdtemp(join(tmpdir(), 'kubeconfig-file-'))));
afterAll(async () => rm(dir, { recursive: true, force: true }));

/** Writes a one-context kubeconfig with these cluster and user fields. */
async function kubeconfig(name: string, cluster: object, user: object): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, stringify({
    apiVersion: 'v1', kind: 'Config', 'current-context': 'c',
    clusters: [{ name: 'other', cluster: { server: 'https://other:6443' } }, { name: 'k', cluster }],
    users: [{ name: 'u', user }],
    contexts: [{ name: 'c', context: { cluster: 'k', user: 'u' } }],
  }));
  return path;
}

const base64 = (text: string): string => Buffer.from(text).toString('base64');

describe('loadKubeAccess: a kubeconfig read without client-node', () => {
  it('when the user has a token, then every request carries it as a bearer token, to the current context’s server', async () => {
    const access = await loadKubeAccess(await kubeconfig('token', { server: 'https://api.public.example:6443/' }, { token: 'abc' }));
    expect(access.serverUrl).toBe('https://api.public.example:6443');
    expect(await access.requestOptions()).toMatchObject({ headers: { Authorization: 'Bearer abc' } });
  });

  it('when the user has a token file, then it is read again for each request, so a rotated token is used (relative to the kubeconfig)', async () => {
    await mkdir(join(dir, 'tokens'), { recursive: true });
    await writeFile(join(dir, 'tokens', 'watcher'), 'first\n');
    const access = await loadKubeAccess(await kubeconfig('token-file', { server: 'https://k:6443' }, { tokenFile: 'tokens/watcher' }));
    expect((await access.requestOptions()).headers).toEqual({ Authorization: 'Bearer first' });
    await writeFile(join(dir, 'tokens', 'watcher'), 'second\n');
    expect((await access.requestOptions()).headers).toEqual({ Authorization: 'Bearer second' });
  });

  it('when the cluster has a CA and the user a client certificate, then the TLS agent presents and checks them', async () => {
    const path = await kubeconfig('certs', {
      server: 'https://k:6443', 'certificate-authority-data': base64('CA'), 'tls-server-name': 'kubernetes',
    }, { 'client-certificate-data': base64('CERT'), 'client-key-data': base64('KEY') });
    const { agent, headers } = await (await loadKubeAccess(path)).requestOptions();
    expect(agent).toBeInstanceOf(HttpsAgent);
    expect((agent as HttpsAgent).options).toMatchObject({ ca: Buffer.from('CA'), cert: Buffer.from('CERT'), key: Buffer.from('KEY'), servername: 'kubernetes' });
    expect((agent as HttpsAgent).options.rejectUnauthorized).toBeUndefined(); // verified, unless NODE_TLS_REJECT_UNAUTHORIZED says otherwise
    expect(headers).toEqual({});
  });

  it('when TLS verification is switched off, and the user has basic credentials and impersonates, then all of that is applied', async () => {
    const path = await kubeconfig('basic', { server: 'https://k:6443', 'insecure-skip-tls-verify': true }, { username: 'admin', password: 'secret', as: 'watcher' });
    const options = await (await loadKubeAccess(path)).requestOptions();
    expect((options.agent as HttpsAgent).options.rejectUnauthorized).toBe(false);
    expect(options).toMatchObject({ auth: 'admin:secret', headers: { 'Impersonate-User': 'watcher' } });
  });

  it('when the user runs an exec plugin, then client-node reads the kubeconfig after all, and its credential is used', async () => {
    const credential = JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1beta1', kind: 'ExecCredential', status: { token: 'from-exec' } });
    const path = await kubeconfig('exec', { server: 'https://k:6443' }, {
      exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'sh', args: ['-c', `echo '${credential}'`] },
    });
    const access = await loadKubeAccess(path);
    expect(access.serverUrl).toBe('https://k:6443');
    expect(await access.requestOptions()).toMatchObject({ headers: { Authorization: 'Bearer from-exec' } });
  });

  it('when the kubeconfig has no usable current context, then loading fails saying so', async () => {
    const path = join(dir, 'empty');
    await writeFile(path, stringify({ apiVersion: 'v1', kind: 'Config', 'current-context': 'missing', clusters: [], users: [], contexts: [] }));
    await expect(loadKubeAccess(path)).rejects.toThrow(`${path} has no current cluster with a server`);
  });
});

describe('loadKubeAccess: in a pod', () => {
  let accountDir: string;
  beforeAll(async () => {
    accountDir = join(dir, 'serviceaccount');
    await mkdir(accountDir, { recursive: true });
    await writeFile(join(accountDir, 'ca.crt'), 'CLUSTER CA');
    await writeFile(join(accountDir, 'token'), 'pod-token-1');
  });

  it.each([
    [{ KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' }, 'https://10.96.0.1:443'],
    [{ KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' }, 'https://[fd00::1]:443'],
    [{ KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '8080' }, 'http://10.96.0.1:8080'],
  ])('when the service environment is %j, then it reaches %s, as client-node’s in-cluster config does', async (env, url) => {
    expect((await loadKubeAccess(undefined, { env, serviceAccountDir: accountDir })).serverUrl).toBe(url);
  });

  it('when the service account token rotates, then the next request uses the new one, checked against the account’s CA', async () => {
    const access = await loadKubeAccess(undefined, { env: { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' }, serviceAccountDir: accountDir });
    const first = await access.requestOptions();
    expect(first.headers).toEqual({ Authorization: 'Bearer pod-token-1' });
    expect((first.agent as HttpsAgent).options.ca).toEqual(Buffer.from('CLUSTER CA'));
    await writeFile(join(accountDir, 'token'), 'pod-token-2');
    expect((await access.requestOptions()).headers).toEqual({ Authorization: 'Bearer pod-token-2' });
  });

  it('when not in a pod, then loading fails saying so', async () => {
    await expect(loadKubeAccess(undefined, { env: {}, serviceAccountDir: accountDir })).rejects.toThrow(/not in a pod/);
  });
});

describe('loadKubeAccess against an API server', () => {
  let guarded: TestCluster;
  beforeAll(async () => (guarded = await startTestCluster({ tokens: { 'watcher-token': [{ verbs: ['list'], resources: ['internalrequests'] }] } })));
  afterAll(async () => guarded.server.stop());

  it('when the server’s own kubeconfig file is read, then the reader lists with its credentials', async () => {
    const path = join(dir, 'server.kubeconfig');
    await guarded.server.writeKubeconfig(path, { token: 'watcher-token' });
    const reader = new KubeReader(await loadKubeAccess(path));
    await expect(reader.getJson('/apis/appstudio.redhat.com/v1alpha1/internalrequests')).resolves.toMatchObject({ items: [] });
    expect(guarded.server.requests.count({ verb: 'list', resource: 'internalrequests', refused: false })).toBe(1);
  });
});
