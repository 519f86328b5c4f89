import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { KubeConfig } from '@kubernetes/client-node';
import { startApiServer } from '../../local/apiserver/index.js';
import { INTERNAL_REQUESTS, INTERNAL_SERVICES_CONFIGS } from '../../shared/api/index.js';
import { createClusterPort } from '../../shared/kube/index.js';
import type { ClusterPort } from '../../shared/kube/index.js';
import type { ApiServer } from '../../local/apiserver/index.js';
import { tokenGrantsFor } from './support/rbac-grants.js';
import { render } from './support/render.js';
import { describeWithKubectl } from './support/skip-without-kubectl.js';

const describeRendered = describeWithKubectl();

interface Run { status: number | null; stdout: string; stderr: string }

/** Runs a command without blocking: the API server answering it lives in this process. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}
const SCRIPT = resolve('knative/public/mint-kubeconfig.sh');
const TOKEN = 'minted-remote-token-3f9a';
const REMOTE = { namespace: 'internal-services', name: 'internal-services-remote' };

/**
 * The local API server has no Secrets and no token controller, so a kubectl shim answers the one
 * Secret read (with the token the server knows) and records the one apply; every other call goes
 * to the real kubectl and so to the local API server.
 */
const SHIM = `#!/usr/bin/env bash
case " $* " in
  *" get secret internal-services-remote-token "*) printf '%s' "$SHIM_TOKEN_B64"; exit 0 ;;
  *" apply "*) cat > "$SHIM_APPLIED"; exit 0 ;;
esac
exec "$SHIM_REAL_KUBECTL" "$@"
`;

describeRendered('mint-kubeconfig.sh: the kubeconfig Secret from the public ServiceAccount', () => {
  let server: ApiServer;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    const crdFiles = readdirSync('knative/crds').filter((f) => f !== 'kustomization.yaml').map((f) => join('knative/crds', f));
    const grants = tokenGrantsFor(render('public'), REMOTE);
    server = await startApiServer({ name: 'public', crdFiles, namespaces: ['tenant'], tokens: { [TOKEN]: grants, admin: [{ verbs: ['*'], resources: ['*'] }] } });
    dir = mkdtempSync(join(tmpdir(), 'mint-kubeconfig-'));
    const admin = parse(server.kubeconfig({ token: 'admin' })) as { contexts: Array<{ name: string; context: object }> };
    admin.contexts.push({ name: 'private', context: admin.contexts[0]?.context ?? {} });
    writeFileSync(join(dir, 'admin.kubeconfig'), stringify(admin));
    writeFileSync(join(dir, 'kubectl'), SHIM);
    chmodSync(join(dir, 'kubectl'), 0o755);
    const realKubectl = spawnSync('bash', ['-c', 'command -v kubectl'], { encoding: 'utf8' }).stdout.trim();
    env = { ...process.env, PATH: `${dir}:${process.env.PATH}`, KUBECONFIG: join(dir, 'admin.kubeconfig'), SHIM_REAL_KUBECTL: realKubectl, SHIM_TOKEN_B64: Buffer.from(TOKEN).toString('base64'), SHIM_APPLIED: join(dir, 'applied.yaml') };
  });

  afterAll(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const mint = (...args: string[]): Promise<Run> => run('bash', [SCRIPT, '--public-context', 'public', ...args], env);
  const portFrom = (file: string): ClusterPort => {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(file);
    return createClusterPort(kubeConfig, 'public');
  };

  it('when asked for a file, then it writes a private kubeconfig with the token and server, and prints no token', async () => {
    const minted = await mint('--output', join(dir, 'remote.kubeconfig'));
    expect(minted.status).toBe(0);
    expect(`${minted.stdout}${minted.stderr}`).not.toContain(TOKEN);
    expect(statSync(join(dir, 'remote.kubeconfig')).mode & 0o777).toBe(0o600);
    const kubeconfig = parse(readFileSync(join(dir, 'remote.kubeconfig'), 'utf8')) as { clusters: Array<{ cluster: { server: string } }>; users: Array<{ user: { token: string } }> };
    expect(kubeconfig.clusters[0]?.cluster.server).toBe(server.url);
    expect(kubeconfig.users[0]?.user.token).toBe(TOKEN);
  });

  // kubectl sends no bearer token over plain HTTP (kubernetes/kubectl#744), so the minted kubeconfig is
  // exercised the way the functions use it: through client-node and the shared cluster port.
  it('when the minted kubeconfig is used, then it may read, list and patch InternalRequests and their status, and nothing else', async () => {
    const minted = join(dir, 'remote.kubeconfig');
    expect((await mint('--output', minted)).status).toBe(0);
    const remote = portFrom(minted);
    const ir = { apiVersion: 'appstudio.redhat.com/v1alpha1', kind: 'InternalRequest', metadata: { name: 'ir', namespace: 'tenant' }, spec: { pipeline: { pipelineRef: { resolver: 'cluster', params: [{ name: 'name', value: 'p' }] } } } };
    await portFrom(join(dir, 'admin.kubeconfig')).create(INTERNAL_REQUESTS, 'tenant', ir);

    await expect(remote.get(INTERNAL_REQUESTS, 'tenant', 'ir')).resolves.toMatchObject({ metadata: { name: 'ir' } });
    await expect(remote.list(INTERNAL_REQUESTS, undefined)).resolves.toHaveLength(1);
    await remote.patch(INTERNAL_REQUESTS, 'tenant', 'ir', { merge: { metadata: { finalizers: ['internal-services.appstudio.openshift.io/pipelinerun-cleanup'] } } });
    await remote.patchStatus(INTERNAL_REQUESTS, 'tenant', 'ir', { merge: { status: { results: { a: 'b' } } } });
    const watch = await fetch(`${server.url}/apis/appstudio.redhat.com/v1alpha1/internalrequests?watch=true`, { headers: { authorization: `Bearer ${TOKEN}` } });
    await watch.body?.cancel();
    expect(watch.status).toBe(200);

    const denied = await Promise.allSettled([
      remote.delete(INTERNAL_REQUESTS, 'tenant', 'ir'),
      remote.create(INTERNAL_REQUESTS, 'tenant', { ...ir, metadata: { name: 'other', namespace: 'tenant' } }),
      remote.get(INTERNAL_SERVICES_CONFIGS, 'tenant', 'config'),
    ]);
    expect(denied.map((r) => (r.status === 'rejected' ? (r.reason as { code?: number }).code : 'allowed'))).toEqual([403, 403, 403]);
  });

  it('when given the private context, then it applies the Secret remote-kubeconfig holding that kubeconfig', async () => {
    const minted = await mint('--private-context', 'private', '--server', 'https://public.example:6443');
    expect(minted.status).toBe(0);
    expect(`${minted.stdout}${minted.stderr}`).not.toContain(TOKEN);
    const secret = parse(readFileSync(join(dir, 'applied.yaml'), 'utf8')) as { kind: string; metadata: { name: string; namespace: string }; data: { kubeconfig: string } };
    expect(secret).toMatchObject({ kind: 'Secret', metadata: { name: 'remote-kubeconfig', namespace: 'internal-services' } });
    const kubeconfig = Buffer.from(secret.data.kubeconfig, 'base64').toString();
    expect(kubeconfig).toContain('server: https://public.example:6443');
    expect(kubeconfig).toContain(`token: ${TOKEN}`);
  });

  it('when neither a file nor a private context is named, then it refuses with its usage', async () => {
    const refused = await mint();
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/^usage: mint-kubeconfig\.sh/);
  });
});
