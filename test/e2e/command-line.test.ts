/**
 * `npm start` as a user runs it: a child process that prints what to type next and `Ready`, answers
 * kubectl, and stops cleanly on Ctrl-C; bad arguments end it at once with exit code 2.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PROJECT_ROOT } from '../../local/embedded/project-paths.js';
import { PORTS_USED } from '../../local/embedded/index.js';
import type { Endpoints } from '../../local/embedded/index.js';
import { startCommand } from './support/child-process.js';
import type { RunningCommand } from './support/child-process.js';
import { freePortBase } from './support/free-ports.js';
import { createKubectl, describeIfKubectl, succeeded } from './support/kubectl.js';
import type { Kubectl } from './support/kubectl.js';
import { until } from '../support/until.js';

const TSX = join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');
const quietEnv = (): NodeJS.ProcessEnv => ({ ...process.env, LOG_LEVEL: 'warn' });

describeIfKubectl(describe, 'test/e2e/command-line.test.ts')('npm start', () => {
  let dir: string;
  let kubectl: Kubectl;
  let command: RunningCommand | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'e2e-npm-start-'));
    kubectl = await createKubectl();
  });

  afterAll(async () => {
    command?.signalGroup('SIGKILL'); // only does anything when a test failed before stopping it
    await command?.exited;
    await kubectl?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('when started with --allow, then it prints the next steps and Ready, allows those tenants on both clusters, refuses a second start on its folder, and stops on Ctrl-C with exit code 0, claiming nothing', async () => {
    command = startCommand('npm', ['start', '--', '--dir', dir, '--allow', 'team-a,team-b'], { cwd: PROJECT_ROOT, env: quietEnv() });
    const running = command;
    await until(() => /^Ready$/m.test(running.stdout()), `Ready from npm start (stderr: ${running.stderr()})`, 40_000);

    expect(running.stdout()).toContain(`kubectl --kubeconfig ${join(dir, 'public.kubeconfig')} apply -f examples/internalrequest.yaml`);
    const endpoints = JSON.parse(await readFile(join(dir, 'endpoints.json'), 'utf8')) as Endpoints;
    expect(Object.keys(endpoints.functions).sort()).toEqual(['admission', 'cleanup', 'pipelinerun-creator', 'resync', 'status-relay']);
    const { public: publicCluster, internal } = endpoints.clusters;
    const allowList = await kubectl.run(internal.kubeconfig, ['get', 'internalservicesconfig', 'config', '-n', 'internal-services', '-o', 'jsonpath={.spec.allowList}']);
    expect(JSON.parse(succeeded(allowList))).toEqual(['default', 'team-a', 'team-b']);
    for (const kubeconfig of [publicCluster.kubeconfig, internal.kubeconfig]) {
      expect(succeeded(await kubectl.run(kubeconfig, ['get', 'namespaces', 'team-a', 'team-b', '-o', 'name'])).trim().split('\n')).toEqual(['namespace/team-a', 'namespace/team-b']);
    }

    const second = startCommand(TSX, ['local/main.ts', '--dir', dir], { cwd: PROJECT_ROOT, env: quietEnv() });
    expect(await second.exited).toBe(1);
    const { pid } = JSON.parse(await readFile(join(dir, 'running.json'), 'utf8')) as { pid: number };
    expect(second.stderr()).toContain(`belongs to the system running as PID ${pid}`);
    expect(second.stderr()).toContain(`public ${publicCluster.server}, internal ${internal.server}, broker ${endpoints.broker}`);
    expect(JSON.parse(await readFile(join(dir, 'endpoints.json'), 'utf8'))).toEqual(endpoints); // the running system's files are untouched

    running.signalGroup('SIGINT');
    expect({ code: await running.exited, stderr: running.stderr() }).toEqual({ code: 0, stderr: '' });
    expect(running.stdout()).toContain('SIGINT: stopping');
    expect((await readdir(dir)).sort()).toEqual([]);
  }, 60_000);
});

describe('npm start that cannot start', () => {
  let dir: string;
  let blocker: Server | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'e2e-npm-start-fails-'));
  });

  afterAll(async () => {
    await new Promise((done) => (blocker ? blocker.close(done) : done(undefined)));
    await rm(dir, { recursive: true, force: true });
  });

  it('when a port it needs late (the broker\'s) is taken, then it exits with code 1 saying so, and writes nothing to its folder', async () => {
    const base = await freePortBase(PORTS_USED);
    const taken = createServer();
    blocker = taken;
    await new Promise<void>((ready) => taken.listen(base + 2, '127.0.0.1', ready));
    const command = startCommand(TSX, ['local/main.ts', '--dir', dir, '--port-base', String(base)], { cwd: PROJECT_ROOT, env: quietEnv() });
    expect(await command.exited).toBe(1);
    expect(command.stderr()).toContain(`EADDRINUSE`);
    expect(await readdir(dir)).toEqual([]);
  }, 60_000);
});

describe('npm start -- --resync-every', () => {
  let dir: string;
  let command: RunningCommand | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'e2e-npm-start-resync-'));
  });

  afterAll(async () => {
    command?.signalGroup('SIGKILL');
    await command?.exited;
    await rm(dir, { recursive: true, force: true });
  });

  it('when started with --resync-every 1s, then the resync function answers a ping about a second after Ready', async () => {
    command = startCommand('npm', ['start', '--', '--dir', dir, '--resync-every', '1s'], { cwd: PROJECT_ROOT, env: quietEnv() });
    const running = command;
    await until(() => /^Ready$/m.test(running.stdout()), `Ready from npm start (stderr: ${running.stderr()})`, 40_000);
    const endpoints = JSON.parse(await readFile(join(dir, 'endpoints.json'), 'utf8')) as Endpoints;
    const swept = async (): Promise<boolean> => {
      const metrics = await (await fetch(`${endpoints.functions.resync}metrics`)).text();
      return /internal_services_events_total\{function="resync",type="dev\.knative\.sources\.ping",status="204"\} [1-9]/.test(metrics);
    };
    await until(swept, 'a sweep answered 204');
  }, 60_000);
});

describe('npm start under a supervisor', () => {
  let dir: string;
  let command: RunningCommand | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'e2e-npm-start-term-'));
  });

  afterAll(async () => {
    command?.signalGroup('SIGKILL'); // only does anything when the test failed before stopping it
    await command?.exited;
    await rm(dir, { recursive: true, force: true });
  });

  it('when started with --port-base and npm alone gets SIGTERM, then it listened on those ports, stops everything and exits with code 0', async () => {
    const base = await freePortBase(PORTS_USED);
    command = startCommand('npm', ['start', '--', '--dir', dir, '--port-base', String(base)], { cwd: PROJECT_ROOT, env: quietEnv() });
    const running = command;
    await until(() => /^Ready$/m.test(running.stdout()), `Ready from npm start (stderr: ${running.stderr()})`, 40_000);
    const endpoints = JSON.parse(await readFile(join(dir, 'endpoints.json'), 'utf8')) as Endpoints;
    const ports = [endpoints.clusters.public.server, endpoints.clusters.internal.server, endpoints.broker, ...Object.values(endpoints.functions)].map(
      (url) => Number(new URL(url).port),
    );
    expect(ports.sort((a, b) => a - b)).toEqual(Array.from({ length: PORTS_USED }, (_, i) => base + i));

    running.signal('SIGTERM');
    // `exited` waits for every process holding the output pipes, so an orphan left running would hang it.
    expect(await running.exited).toBe(0);
    expect(running.stdout()).toContain('SIGTERM: stopping');
  }, 60_000);
});

describe('npm start with bad arguments', () => {
  const runMain = async (args: string[]): Promise<{ code: number; stderr: string }> => {
    const command = startCommand(TSX, ['local/main.ts', ...args], { cwd: PROJECT_ROOT, env: quietEnv() });
    return { code: await command.exited, stderr: command.stderr() };
  };

  it('when --port-base is not a port, then it exits with code 2 naming the option, before starting anything', async () => {
    const { code, stderr } = await runMain(['--port-base', 'eighty']);
    expect(code).toBe(2);
    expect(stderr).toContain('--port-base must be a port');
    expect(stderr).toContain('Usage: npm start');
  });

  it('when only one of the two kubeconfigs is given, then it exits with code 2 saying both go together', async () => {
    const { code, stderr } = await runMain(['--remote-kubeconfig', join(PROJECT_ROOT, 'package.json')]);
    expect(code).toBe(2);
    expect(stderr).toContain('--remote-kubeconfig and --internal-kubeconfig go together');
  });
});
