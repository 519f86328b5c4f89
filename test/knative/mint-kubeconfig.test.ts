import { afterAll, beforeAll, beforeEach, expect, it } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { KubeConfig } from '@kubernetes/client-node';
import { startApiServer } from '../../local/apiserver/index.js';
import { INTERNAL_REQUESTS, INTERNAL_SERVICES_CONFIGS } from '../../shared/api/index.js';
import { createClusterPort } from '../../shared/kube/index.js';
import type { ClusterPort } from '../../shared/kube/index.js';
import type { ApiServer } from '../../local/apiserver/index.js';
import { tokenGrantsFor } from './support/rbac-grants.js';
import { MINTED_KUBECONFIGS } from './support/remote-kubeconfigs.js';
import { render } from './support/render.js';
import { describeWithKubectl } from './support/skip-without-kubectl.js';

const describeRendered = describeWithKubectl();

interface Run { status: number | null; stdout: string; stderr: string }
interface MintedKubeconfig { clusters: Array<{ cluster: { server: string } }>; users: Array<{ name: string; user: { token: string } }> }
interface AppliedSecret { kind: string; metadata: { name: string; namespace: string }; data: Record<string, string> }

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
const NAMESPACE = 'internal-services';
/** The long-lived token of each public ServiceAccount, as its token Secret holds it. */
const TOKENS: Record<string, string> = {
  'internal-services-watcher': 'minted-watcher-token-3f9a',
  'internal-services-functions': 'minted-functions-token-7c21',
  'internal-services-resync': 'minted-resync-token-51e8',
};
const WATCHER = 'internal-services-watcher';
const FUNCTIONS = 'internal-services-functions';
const RESYNC = 'internal-services-resync';
const IR = { apiVersion: 'appstudio.redhat.com/v1alpha1', kind: 'InternalRequest', metadata: { name: 'ir', namespace: 'tenant' }, spec: { pipeline: { pipelineRef: { resolver: 'cluster', params: [{ name: 'name', value: 'p' }] } } } };

/**
 * The local API server has no Secrets, no token controller and no TokenRequest API, so a kubectl
 * shim answers the token Secret reads (with the tokens the server knows), the token requests (with
 * `short-lived-<account>`) and records the apply; every other call goes to the real kubectl and so
 * to the local API server. Every call is logged, to show which ones a refused invocation made.
 */
const SHIM = `#!/usr/bin/env bash
echo "$*" >> "$SHIM_LOG"
case " $* " in
  *" get secret internal-services-watcher-token "*) printf '%s' "$SHIM_WATCHER_B64"; exit 0 ;;
  *" get secret internal-services-functions-token "*) printf '%s' "$SHIM_FUNCTIONS_B64"; exit 0 ;;
  *" get secret internal-services-resync-token "*) printf '%s' "$SHIM_RESYNC_B64"; exit 0 ;;
  *" create token "*) args=" $* "; account="\${args#* create token }"; printf 'short-lived-%s' "\${account%% *}"; exit 0 ;;
  *" apply "*) cat >> "$SHIM_APPLIED"; exit 0 ;;
esac
exec "$SHIM_REAL_KUBECTL" "$@"
`;

describeRendered('mint-kubeconfig.sh: one kubeconfig Secret per public ServiceAccount', () => {
  let server: ApiServer;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let count = 0;
  const fresh = (name: string): string => join(dir, `${name}-${(count += 1)}`);
  const log = (): string => (existsSync(join(dir, 'shim.log')) ? readFileSync(join(dir, 'shim.log'), 'utf8') : '');

  beforeAll(async () => {
    const crdFiles = readdirSync('knative/crds').filter((f) => f !== 'kustomization.yaml').map((f) => join('knative/crds', f));
    const grants = (name: string): ReturnType<typeof tokenGrantsFor> => tokenGrantsFor(render('public'), { namespace: NAMESPACE, name });
    const tokens = { ...Object.fromEntries(Object.entries(TOKENS).map(([account, token]) => [token, grants(account)])), admin: [{ verbs: ['*'], resources: ['*'] }] };
    server = await startApiServer({ name: 'public', crdFiles, namespaces: ['tenant'], tokens });
    dir = mkdtempSync(join(tmpdir(), 'mint-kubeconfig-'));
    const admin = parse(server.kubeconfig({ token: 'admin' })) as { contexts: Array<{ name: string; context: object }> };
    admin.contexts.push({ name: 'private', context: admin.contexts[0]?.context ?? {} });
    writeFileSync(join(dir, 'admin.kubeconfig'), stringify(admin));
    writeFileSync(join(dir, 'kubectl'), SHIM);
    chmodSync(join(dir, 'kubectl'), 0o755);
    const realKubectl = spawnSync('bash', ['-c', 'command -v kubectl'], { encoding: 'utf8' }).stdout.trim();
    env = {
      ...process.env,
      PATH: `${dir}:${process.env.PATH}`,
      KUBECONFIG: join(dir, 'admin.kubeconfig'),
      SHIM_REAL_KUBECTL: realKubectl,
      SHIM_WATCHER_B64: Buffer.from(TOKENS[WATCHER] ?? '').toString('base64'),
      SHIM_FUNCTIONS_B64: Buffer.from(TOKENS[FUNCTIONS] ?? '').toString('base64'),
      SHIM_RESYNC_B64: Buffer.from(TOKENS[RESYNC] ?? '').toString('base64'),
      SHIM_APPLIED: join(dir, 'applied.yaml'),
      SHIM_LOG: join(dir, 'shim.log'),
    };
    await portFrom(join(dir, 'admin.kubeconfig')).create(INTERNAL_REQUESTS, 'tenant', IR);
  });

  beforeEach(() => {
    rmSync(join(dir, 'shim.log'), { force: true });
    rmSync(join(dir, 'applied.yaml'), { force: true });
  });

  afterAll(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const mint = async (...args: string[]): Promise<Run> => {
    const minted = await run('bash', [SCRIPT, '--public-context', 'public', ...args], env);
    for (const token of Object.values(TOKENS)) expect(`${minted.stdout}${minted.stderr}`).not.toContain(token);
    return minted;
  };
  const kubeconfigIn = (file: string): MintedKubeconfig => parse(readFileSync(file, 'utf8')) as MintedKubeconfig;
  function portFrom(file: string): ClusterPort {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(file);
    return createClusterPort(kubeConfig, 'public');
  }
  const watchStatus = async (token: string): Promise<number> => {
    const watch = await fetch(`${server.url}/apis/appstudio.redhat.com/v1alpha1/internalrequests?watch=true`, { headers: { authorization: `Bearer ${token}` } });
    await watch.body?.cancel();
    return watch.status;
  };
  const codes = async (calls: Array<Promise<unknown>>): Promise<Array<number | 'allowed'>> =>
    (await Promise.allSettled(calls)).map((r) => (r.status === 'rejected' ? ((r.reason as { code?: number }).code ?? -1) : 'allowed'));

  it('when asked for a directory, then it creates it private and writes one private kubeconfig per identity, with its token and the server, printing no token', async () => {
    const out = fresh('out');
    expect((await mint('--output', out)).status).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o700);
    expect(readdirSync(out).sort()).toEqual(['functions.kubeconfig', 'resync.kubeconfig', 'watcher.kubeconfig']);
    for (const [file, account] of [['watcher.kubeconfig', WATCHER], ['functions.kubeconfig', FUNCTIONS], ['resync.kubeconfig', RESYNC]] as const) {
      expect(statSync(join(out, file)).mode & 0o777).toBe(0o600);
      const kubeconfig = kubeconfigIn(join(out, file));
      expect(kubeconfig.clusters[0]?.cluster.server).toBe(server.url);
      expect(kubeconfig.users).toEqual([{ name: account, user: { token: TOKENS[account] } }]);
    }
  });

  // kubectl sends no bearer token over plain HTTP (kubernetes/kubectl#744), so the minted kubeconfigs are
  // exercised the way the workloads use them: through client-node and the shared cluster port.
  it('when the watcher\'s minted kubeconfig is used, then it may list and watch InternalRequests, and nothing else', async () => {
    const out = fresh('out');
    expect((await mint('--output', out)).status).toBe(0);
    const watcher = portFrom(join(out, 'watcher.kubeconfig'));
    await expect(watcher.list(INTERNAL_REQUESTS, undefined)).resolves.toHaveLength(1);
    expect(await watchStatus(kubeconfigIn(join(out, 'watcher.kubeconfig')).users[0]?.user.token ?? '')).toBe(200);
    expect(await codes([
      watcher.get(INTERNAL_REQUESTS, 'tenant', 'ir'),
      watcher.patch(INTERNAL_REQUESTS, 'tenant', 'ir', { merge: { metadata: { labels: { a: 'b' } } } }),
      watcher.patchStatus(INTERNAL_REQUESTS, 'tenant', 'ir', { merge: { status: { results: { a: 'b' } } } }),
      watcher.delete(INTERNAL_REQUESTS, 'tenant', 'ir'),
      watcher.get(INTERNAL_SERVICES_CONFIGS, 'tenant', 'config'),
    ])).toEqual([403, 403, 403, 403, 403]);
  });

  it('when the functions\' minted kubeconfig is used, then it may read and patch InternalRequests and their status, and nothing else', async () => {
    const out = fresh('out');
    expect((await mint('--output', out)).status).toBe(0);
    const functions = portFrom(join(out, 'functions.kubeconfig'));
    await expect(functions.get(INTERNAL_REQUESTS, 'tenant', 'ir')).resolves.toMatchObject({ metadata: { name: 'ir' } });
    await functions.patch(INTERNAL_REQUESTS, 'tenant', 'ir', { merge: { metadata: { finalizers: ['internal-services.appstudio.openshift.io/pipelinerun-cleanup'] } } });
    await functions.patchStatus(INTERNAL_REQUESTS, 'tenant', 'ir', { merge: { status: { results: { a: 'b' } } } });
    expect(await watchStatus(kubeconfigIn(join(out, 'functions.kubeconfig')).users[0]?.user.token ?? '')).toBe(403);
    expect(await codes([
      functions.list(INTERNAL_REQUESTS, undefined),
      functions.delete(INTERNAL_REQUESTS, 'tenant', 'ir'),
      functions.create(INTERNAL_REQUESTS, 'tenant', { ...IR, metadata: { name: 'other', namespace: 'tenant' } }),
      functions.get(INTERNAL_SERVICES_CONFIGS, 'tenant', 'config'),
    ])).toEqual([403, 403, 403, 403]);
  });

  it('when the resync sweep\'s minted kubeconfig is used, then it may list InternalRequests and patch their status, and nothing else', async () => {
    const out = fresh('out');
    expect((await mint('--output', out)).status).toBe(0);
    const resync = portFrom(join(out, 'resync.kubeconfig'));
    await expect(resync.list(INTERNAL_REQUESTS, undefined)).resolves.toHaveLength(1);
    await resync.patchStatus(INTERNAL_REQUESTS, 'tenant', 'ir', { merge: { status: { results: { swept: 'yes' } } } });
    expect(await watchStatus(kubeconfigIn(join(out, 'resync.kubeconfig')).users[0]?.user.token ?? '')).toBe(403);
    expect(await codes([
      resync.get(INTERNAL_REQUESTS, 'tenant', 'ir'),
      resync.patch(INTERNAL_REQUESTS, 'tenant', 'ir', { merge: { metadata: { labels: { a: 'b' } } } }),
      resync.delete(INTERNAL_REQUESTS, 'tenant', 'ir'),
      resync.get(INTERNAL_SERVICES_CONFIGS, 'tenant', 'config'),
    ])).toEqual([403, 403, 403, 403]);
  });

  it('when given the private context, then it applies, in one go, one Secret per identity, named as the workloads mount it, holding that identity\'s kubeconfig', async () => {
    expect((await mint('--private-context', 'private', '--server', 'https://public.example:6443')).status).toBe(0);
    expect(log().split('\n').filter((line) => / apply /.test(` ${line} `))).toHaveLength(1);
    const secrets = parseAllDocuments(readFileSync(join(dir, 'applied.yaml'), 'utf8')).map((d) => d.toJS() as AppliedSecret | null).filter((s) => s !== null);
    const holders: Record<string, string> = {};
    for (const secret of secrets) {
      expect(secret).toMatchObject({ kind: 'Secret', metadata: { namespace: NAMESPACE } });
      expect(Object.keys(secret.data)).toEqual(['kubeconfig']);
      const kubeconfig = parse(Buffer.from(secret.data['kubeconfig'] ?? '', 'base64').toString()) as MintedKubeconfig;
      const [user] = kubeconfig.users;
      expect(kubeconfig.clusters[0]?.cluster.server).toBe('https://public.example:6443');
      expect(user?.user.token).toBe(TOKENS[user?.name ?? '']);
      holders[secret.metadata.name] = user?.name ?? '';
    }
    expect(holders).toEqual(MINTED_KUBECONFIGS);
  });

  it('when --duration is given, then each kubeconfig holds a short-lived token requested for its own account with that duration', async () => {
    const out = fresh('out');
    expect((await mint('--output', out, '--duration', '720h')).status).toBe(0);
    expect(log()).toContain(`-n ${NAMESPACE} create token ${WATCHER} --duration 720h`);
    expect(log()).toContain(`-n ${NAMESPACE} create token ${FUNCTIONS} --duration 720h`);
    expect(log()).toContain(`-n ${NAMESPACE} create token ${RESYNC} --duration 720h`);
    expect(log()).not.toContain('get secret');
    expect(kubeconfigIn(join(out, 'watcher.kubeconfig')).users[0]?.user.token).toBe(`short-lived-${WATCHER}`);
    expect(kubeconfigIn(join(out, 'functions.kubeconfig')).users[0]?.user.token).toBe(`short-lived-${FUNCTIONS}`);
    expect(kubeconfigIn(join(out, 'resync.kubeconfig')).users[0]?.user.token).toBe(`short-lived-${RESYNC}`);
  });

  it('when neither a directory nor a private context is named, then it refuses with its usage', async () => {
    const refused = await mint();
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/give --private-context, --output or both/);
    expect(refused.stderr).toMatch(/^usage: mint-kubeconfig\.sh/m);
  });

  it.each([
    [['--output'], 2, /--output needs a value/],
    [['--output', '--private-context', 'private'], 2, /--output needs a value/],
    [['--output', 'OUT', '--verbose'], 2, /unknown option '--verbose'/],
    [['--output', 'OUT', '--server', 'public.example:6443'], 2, /--server must be a URL such as https:\/\/.*, not 'public\.example:6443'/],
    [['--output', 'OUT', '--duration', '30 days'], 2, /--duration must be a duration such as 720h or 90m, not '30 days'/],
    [['--output', 'FILE'], 2, /--output names a directory .*; '.*' is a file/],
    [['--public-context', 'elsewhere', '--output', 'OUT'], 1, /kubectl has no context named 'elsewhere'/],
    [['--private-context', 'nowhere'], 1, /kubectl has no context named 'nowhere'/],
  ])('when called with %j, then it exits %i saying what is wrong, before reading a token or writing anything', async (args, status, message) => {
    const out = fresh('out');
    const file = fresh('file');
    writeFileSync(file, 'an earlier single kubeconfig\n');
    const refused = await mint(...args.map((arg) => (arg === 'OUT' ? out : arg === 'FILE' ? file : arg)));
    expect({ status: refused.status, stderr: refused.stderr }).toEqual({ status, stderr: expect.stringMatching(message) });
    expect(log()).not.toMatch(/get secret|create token| apply /);
    expect(existsSync(out)).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe('an earlier single kubeconfig\n');
  });
});
