import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalBroker } from '../../../local/broker/broker.js';
import { InvalidTriggerError, loadRouting } from '../../../local/broker/trigger-manifests.js';
import type { RecordingSubscriber } from '../support/recording-subscriber.js';
import { startSubscriber } from '../support/recording-subscriber.js';
import { event } from './broker-fixtures.js';

const FUNCTIONS = ['admission', 'pipelinerun-creator', 'status-relay', 'cleanup', 'resync'] as const;
const APISERVER = 'dev.knative.apiserver.resource';

describe('local broker: routing by the Trigger manifests in knative/', () => {
  const subscribers = new Map<string, RecordingSubscriber>();
  let local: LocalBroker;

  beforeAll(async () => {
    for (const name of FUNCTIONS) subscribers.set(name, await startSubscriber());
    const urls = Object.fromEntries([...subscribers].map(([name, s]) => [name, s.url]));
    local = await LocalBroker.create({ subscribers: urls, delay: () => Promise.resolve() });
  });

  afterAll(async () => {
    await local.close();
    await Promise.all([...subscribers.values()].map((s) => s.close()));
  });

  async function receiversOf(type: string, extensions: Record<string, string> = {}): Promise<string[]> {
    const before = new Map([...subscribers].map(([name, s]) => [name, s.received.length]));
    local.publish(event(type, extensions));
    await local.whenIdle();
    return FUNCTIONS.filter((name) => (subscribers.get(name)?.received.length ?? 0) > (before.get(name) ?? 0));
  }

  it('when the manifests are read, then the broker is internal-services with its delivery spec', async () => {
    const routing = await loadRouting('knative');
    expect(routing.brokers).toEqual([expect.objectContaining({ name: 'internal-services', delivery: expect.objectContaining({ retry: 8, backoffPolicy: 'exponential' }) })]);
    expect(local.name).toBe('internal-services');
    expect(local.triggers.length).toBeGreaterThan(0);
  });

  it.each([
    [`${APISERVER}.add`, 'InternalRequest', ['admission']],
    [`${APISERVER}.update`, 'InternalRequest', ['admission']],
    [`${APISERVER}.delete`, 'InternalRequest', []],
    [`${APISERVER}.add`, 'PipelineRun', ['status-relay']],
    [`${APISERVER}.update`, 'PipelineRun', ['status-relay']],
    [`${APISERVER}.delete`, 'PipelineRun', ['status-relay']],
    [`${APISERVER}.add`, 'Pod', []],
  ])('when a %s event of kind %s arrives, then it goes to %j', async (type, kind, expected) => {
    expect(await receiversOf(type, { kind })).toEqual(expected);
  });

  it.each([
    ['dev.konflux.internalrequest.admitted.v1', ['pipelinerun-creator']],
    ['dev.konflux.internalrequest.completed.v1', ['cleanup']],
    ['dev.konflux.internalrequest.deleting.v1', ['cleanup']],
    ['dev.konflux.internalrequest.unknown.v1', []],
    ['dev.knative.sources.ping', ['resync']],
  ])('when a %s event arrives, then it goes to %j', async (type, expected) => {
    expect(await receiversOf(type)).toEqual(expected);
  });
});

describe('local broker: manifests it refuses', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'broker-manifests-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const triggerYaml = (name: string, filter: string): string => `apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata: {name: ${name}}
spec:
  broker: b
  ${filter}
  subscriber: {ref: {apiVersion: serving.knative.dev/v1, kind: Service, name: fn}}
`;

  it('when a Trigger uses the newer `filters` field, then loading fails rather than routing differently from Knative', async () => {
    await writeFile(join(dir, 'trigger.yaml'), triggerYaml('t', 'filters: [{prefix: {type: dev.}}]'));
    await expect(loadRouting(dir)).rejects.toThrow(InvalidTriggerError);
  });

  it('when two files define the same Trigger, then loading fails naming it', async () => {
    await writeFile(join(dir, 'trigger.yaml'), triggerYaml('t', 'filter: {attributes: {type: a}}'));
    await writeFile(join(dir, 'trigger-copy.yaml'), triggerYaml('t', 'filter: {attributes: {type: b}}'));
    await expect(loadRouting(dir)).rejects.toThrow(/"t" is defined twice/);
  });
});
