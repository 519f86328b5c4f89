/**
 * The embedded default end to end, as a user drives it: the real kubectl against the kubeconfigs
 * `npm start` writes, the example Pipeline and InternalRequest, and the ways a request can end.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FunctionsAlreadyBoundError, startEmbedded } from '../../local/embedded/index.js';
import type { EmbeddedSystem } from '../../local/embedded/index.js';
import { REQUEST_NAME_LABEL } from '../../shared/api/index.js';
import { createKubectl, describeIfKubectl, succeeded } from './support/kubectl.js';
import type { Kubectl, KubectlResult } from './support/kubectl.js';
import { internalRequest, scriptPipeline } from './support/manifests.js';
import { until } from '../support/until.js';

const WAIT = '--timeout=20s';
const reasonIs = (reason: string): string => `--for=jsonpath={.status.conditions[0].reason}=${reason}`;

describeIfKubectl(describe, 'test/e2e/embedded.test.ts')('the embedded default, driven with kubectl', () => {
  let dir: string;
  let system: EmbeddedSystem;
  let kubectl: Kubectl;
  const onPublic = (args: string[], input?: string): Promise<KubectlResult> => kubectl.run(system.endpoints.clusters.public.kubeconfig, args, input);
  const onInternal = (args: string[], input?: string): Promise<KubectlResult> => kubectl.run(system.endpoints.clusters.internal.kubeconfig, args, input);
  const field = async (name: string, path: string, namespace = 'default'): Promise<string> =>
    succeeded(await onPublic(['get', 'internalrequest', name, '-n', namespace, '-o', `jsonpath={${path}}`]));

  beforeAll(async () => {
    process.env.LOG_LEVEL ??= 'silent';
    dir = await mkdtemp(join(tmpdir(), 'e2e-embedded-'));
    system = await startEmbedded({ dir });
    kubectl = await createKubectl();
  });

  afterAll(async () => {
    await system?.stop();
    await kubectl?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('when the example Pipeline and InternalRequest are applied, then the request succeeds with the result its script wrote', async () => {
    succeeded(await onInternal(['apply', '-f', 'examples/pipeline.yaml']));
    succeeded(await onPublic(['apply', '-f', 'examples/internalrequest.yaml']));

    succeeded(await onPublic(['wait', '--for=condition=Succeeded', 'internalrequest/hello', WAIT]));
    expect(await field('hello', '.status.results.message')).toBe('Hello, world!');
    expect(system.pipelineRunNamespace).toBe('internal-services-pipelines');
    // By default the broker hands each function its events in this process; the functions' servers stay up for curl and /metrics.
    expect(system.events).toBe('in-process');
    expect(system.broker.deliveries.filter((d) => !d.inProcess)).toEqual([]);
    expect(new Set(system.broker.deliveries.map((d) => d.url))).toEqual(new Set(Object.values(system.endpoints.functions)));
    expect(await field('hello', '.status.pipelineRun')).toMatch(/^internal-services-pipelines\/internalrequest-/);
  });

  it('when a request comes from a namespace that is not on the allow-list, then it is Rejected saying so', async () => {
    succeeded(await onPublic(['create', 'namespace', 'outsider']));
    succeeded(await onPublic(['create', '-f', '-'], internalRequest('outsider', 'hello', 'hello', { who: 'outsider' })));

    succeeded(await onPublic(['wait', reasonIs('Rejected'), '-n', 'outsider', 'internalrequest/hello', WAIT]));
    expect(await field('hello', '.status.conditions[0].status', 'outsider')).toBe('False');
    expect(await field('hello', '.status.conditions[0].message', 'outsider')).toBe('the internal request namespace (outsider) is not in the allow list');
  });

  it('when the pipeline script fails, then the request is Failed with the failing step in its message', async () => {
    succeeded(await onInternal(['create', '-f', '-'], scriptPipeline('default', 'broken', "echo 'no greeting today' >&2\nexit 3\n")));
    succeeded(await onPublic(['create', '-f', '-'], internalRequest('default', 'broken', 'broken')));

    succeeded(await onPublic(['wait', reasonIs('Failed'), 'internalrequest/broken', WAIT]));
    expect(await field('broken', '.status.conditions[0].status')).toBe('False');
    expect(await field('broken', '.status.conditions[0].message')).toContain('step run exited with code 3');
  });

  it('when a running request is deleted, then its PipelineRun is cancelled, then removed, and the request is gone', async () => {
    const started = join(dir, 'blocking-started');
    const finished = join(dir, 'blocking-finished');
    const release = join(dir, 'blocking-release');
    execFileSync('mkfifo', [release]);
    // Opening a fifo for reading blocks until a writer comes, and the test never writes: the step ends
    // only when cancellation kills it, so the run can only finish (and be removed) by being cancelled.
    const script = `touch '${started}'\ncat '${release}' > /dev/null\ntouch '${finished}'\n`;
    succeeded(await onInternal(['create', '-f', '-'], scriptPipeline('default', 'blocking', script)));
    succeeded(await onPublic(['create', '-f', '-'], internalRequest('default', 'blocking', 'blocking')));
    succeeded(await onPublic(['wait', reasonIs('Running'), 'internalrequest/blocking', WAIT]));
    await until(() => existsSync(started), 'the blocking step to start');

    succeeded(await onPublic(['delete', 'internalrequest', 'blocking', WAIT]));

    const missing = await onPublic(['get', 'internalrequest', 'blocking']);
    expect(missing.stderr).toContain('NotFound');
    const runs = ['-n', system.pipelineRunNamespace, '-l', `${REQUEST_NAME_LABEL}=blocking`];
    succeeded(await onInternal(['wait', '--for=delete', 'pipelineruns', ...runs, WAIT]));
    expect(succeeded(await onInternal(['get', 'pipelineruns', ...runs, '-o', 'name']))).toBe('');
    expect(existsSync(finished)).toBe(false);
  });

  it('when a second system is started in the same process, then it is refused before it starts anything', async () => {
    const otherDir = join(dir, 'second');
    await expect(startEmbedded({ dir: otherDir })).rejects.toThrow(FunctionsAlreadyBoundError);
    expect(existsSync(otherDir)).toBe(false);
  });
});
