/**
 * One key follows a request: every log line `npm start` writes about a request, from each function and
 * the pipeline runner, carries its `request` (namespace/name) and `requestUid`, so `grep <uid>` over the
 * output tells the request's whole story, in order. Also the tenant path a newcomer takes: `--allow`
 * a namespace, put the example Pipeline and request there, unchanged.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PROJECT_ROOT } from '../../local/embedded/project-paths.js';
import { startCommand } from './support/child-process.js';
import type { RunningCommand } from './support/child-process.js';
import { createKubectl, describeIfKubectl, succeeded } from './support/kubectl.js';
import type { Kubectl } from './support/kubectl.js';
import { until } from '../support/until.js';

const TENANT = 'team-a';

type LogLine = Record<string, unknown>;

function jsonLines(output: string): LogLine[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
}

/** Who wrote a line: a function by name, or the runner (its lines name no function). */
const author = (line: LogLine): string => String(line['function'] ?? 'runner');

describeIfKubectl(describe, 'test/e2e/request-story.test.ts')('the story of one request in the logs of npm start', () => {
  let dir: string;
  let kubectl: Kubectl;
  let command: RunningCommand | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'e2e-request-story-'));
    kubectl = await createKubectl();
  });

  afterAll(async () => {
    command?.signalGroup('SIGKILL'); // only does anything when the test failed before stopping it
    await command?.exited;
    await kubectl?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['handed from part to part in this process', [], /events +handed from part to part in this process/],
    ['over loopback HTTP (--over-http)', ['--over-http'], /events +over loopback HTTP/],
  ])('when a tenant allowed with --allow runs the example, events %s, then every line about it carries its key, and grep <uid> shows admission, creation, the run, the relay and the cleanup in order', async (_, flags, banner) => {
    command = startCommand('npm', ['start', '--', '--dir', dir, '--allow', TENANT, '--resync-every', '0', ...flags], { cwd: PROJECT_ROOT, env: { ...process.env, LOG_LEVEL: 'info' } });
    const running = command;
    await until(() => /^Ready$/m.test(running.stdout()), `Ready from npm start (stderr: ${running.stderr()})`, 40_000);
    expect(running.stdout()).toMatch(banner);
    const publicConfig = join(dir, 'public.kubeconfig');
    const internalConfig = join(dir, 'internal.kubeconfig');

    succeeded(await kubectl.run(internalConfig, ['-n', TENANT, 'apply', '-f', 'examples/pipeline.yaml']));
    succeeded(await kubectl.run(publicConfig, ['-n', TENANT, 'apply', '-f', 'examples/internalrequest.yaml']));
    succeeded(await kubectl.run(publicConfig, ['-n', TENANT, 'wait', '--for=condition=Succeeded', '--timeout=30s', 'internalrequest/hello']));
    const uid = succeeded(await kubectl.run(publicConfig, ['-n', TENANT, 'get', 'internalrequest', 'hello', '-o', 'jsonpath={.metadata.uid}']));
    const cleanedUp = (): boolean => jsonLines(running.stdout()).some((line) => line['function'] === 'cleanup' && line['requestUid'] === uid);
    await until(cleanedUp, 'cleanup handled the completion');

    const about = jsonLines(running.stdout()).filter((line) => JSON.stringify(line).includes(uid) || line['object'] === `${TENANT}/hello`);
    expect(about.length).toBeGreaterThan(0);
    for (const line of about) expect(line).toMatchObject({ request: `${TENANT}/hello`, requestUid: uid });

    const story = running.stdout().split('\n').filter((line) => line.includes(uid)).map((line) => JSON.parse(line) as LogLine);
    const chapters = story.map((line) => `${author(line)}: ${String(line['message'])}`).filter((chapter, i, all) => chapter !== all[i - 1]);
    const first = (chapter: string): number => chapters.indexOf(chapter);
    expect(chapters[0]).toBe('admission: event handled');
    expect(first('pipelinerun-creator: event handled')).toBeGreaterThan(first('admission: event handled'));
    expect(first('runner: pipelinerun started')).toBeGreaterThan(first('pipelinerun-creator: event handled'));
    expect(first('runner: pipelinerun finished')).toBeGreaterThan(first('runner: pipelinerun started'));
    expect(chapters.lastIndexOf('status-relay: event handled')).toBeGreaterThan(first('runner: pipelinerun finished'));
    expect(first('cleanup: event handled')).toBeGreaterThan(first('runner: pipelinerun finished'));

    running.signalGroup('SIGINT');
    expect(await running.exited).toBe(0);
  }, 90_000);
});
