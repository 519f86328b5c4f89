/**
 * `npm start -- --remote-kubeconfig …` with a token the public cluster refuses: the start fails at
 * once saying so, instead of waiting out the sync timeout; a token refused later stops it with exit 1,
 * as the ContainerSource does, instead of running on without events.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApiServer } from '../../local/apiserver/index.js';
import type { ApiServer } from '../../local/apiserver/index.js';
import { startEmbedded } from '../../local/embedded/index.js';
import { CRD_DIR, PROJECT_ROOT, TEKTON_CRD_FILE } from '../../local/embedded/project-paths.js';
import { startCommand } from './support/child-process.js';
import type { RunningCommand } from './support/child-process.js';
import { until } from '../support/until.js';

const CRD_FILES = [join(CRD_DIR, 'internalrequests.yaml'), join(CRD_DIR, 'internalservicesconfigs.yaml')];

describe('the embedded default with a refused public token', () => {
  let dir: string;
  let publicServer: ApiServer;
  let internalServer: ApiServer;

  beforeAll(async () => {
    process.env.LOG_LEVEL ??= 'silent';
    dir = await mkdtemp(join(tmpdir(), 'e2e-refused-'));
    publicServer = await startApiServer({ name: 'public', crdFiles: CRD_FILES, tokens: { 'good-token': [{ verbs: ['*'], resources: ['*'] }] } });
    internalServer = await startApiServer({ name: 'internal', crdFiles: [...CRD_FILES, TEKTON_CRD_FILE], namespaces: ['internal-services'] });
    await publicServer.writeKubeconfig(join(dir, 'remote.kubeconfig'), { token: 'revoked-token' });
    await publicServer.writeKubeconfig(join(dir, 'good.kubeconfig'), { token: 'good-token' });
    await internalServer.writeKubeconfig(join(dir, 'internal.kubeconfig'));
  });

  afterAll(async () => {
    await Promise.all([publicServer?.stop(), internalServer?.stop()]);
    await rm(dir, { recursive: true, force: true });
  });

  it('when the watcher’s token is refused (401), then the start fails at once naming the refusal instead of waiting out the sync timeout', async () => {
    const started = startEmbedded({
      dir: join(dir, 'state'),
      syncTimeoutMs: 20_000,
      clusters: { remoteKubeconfig: join(dir, 'remote.kubeconfig'), internalKubeconfig: join(dir, 'internal.kubeconfig') },
    });
    await expect(started).rejects.toThrow(`${publicServer.url} refused the credentials (401 Unauthorized)`);
    expect(publicServer.requests.count({ verb: 'list', resource: 'internalrequests' })).toBe(1);
  }, 30_000);

  describe('npm start, once running', () => {
    let command: RunningCommand | undefined;
    afterAll(async () => {
      command?.signalGroup('SIGKILL'); // only does anything when the test failed before it exited
      await command?.exited;
    });

    it('when the public cluster starts refusing the token (401), then it stops everything and exits 1 saying so', async () => {
      const args = ['local/main.ts', '--dir', join(dir, 'running'), '--remote-kubeconfig', join(dir, 'good.kubeconfig'), '--internal-kubeconfig', join(dir, 'internal.kubeconfig')];
      command = startCommand(join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx'), args, { cwd: PROJECT_ROOT, env: { ...process.env, LOG_LEVEL: 'silent' } });
      const running = command;
      await until(() => /^Ready$/m.test(running.stdout()), `Ready (stderr: ${running.stderr()})`, 40_000);
      publicServer.faults.failNext({ verb: 'watch', resource: 'internalrequests', count: 1, code: 401, reason: 'Unauthorized', message: 'Unauthorized' });
      publicServer.faults.cutWatches('internalrequests');
      await until(() => running.stderr().includes('refused the credentials'), 'the refusal to be reported', 20_000);
      expect(await running.exited).toBe(1);
      expect(running.stderr()).toContain(`${publicServer.url} refused the credentials (401 Unauthorized): Unauthorized; stopping`);
    }, 60_000);
  });
});

