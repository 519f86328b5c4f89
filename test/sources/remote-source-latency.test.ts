import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { INTERNAL_REQUESTS } from '../../shared/api/internal-request.js';
import { startResourceSource } from '../../sources/remote-source/index.js';
import type { ResourceSource } from '../../sources/remote-source/index.js';
import { eventually, internalRequest, startTestCluster } from './support/cluster.js';
import type { TestCluster } from './support/cluster.js';
import { captureLog } from './support/log-capture.js';
import { TestSink } from './support/test-sink.js';

const CHANGES = 300;

let cluster: TestCluster;
let sink: TestSink;
let source: ResourceSource;

beforeAll(async () => {
  cluster = await startTestCluster();
  sink = await TestSink.start();
  source = await startResourceSource({
    kubeconfig: cluster.kc,
    resource: { apiVersion: 'appstudio.redhat.com/v1alpha1', kind: 'InternalRequest', plural: 'internalrequests' },
    sink: sink.url,
    dropStatusOnlyUpdates: true,
    log: captureLog().log,
  });
  await source.synced;
  await eventually(() => source.stats().connected === 1, 'the watch to connect');
});
afterAll(async () => {
  await source.stop();
  await sink.stop();
  await cluster.server.stop();
});

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

describe('remote-source latency', () => {
  it(`when ${CHANGES} spec changes are made one after another, then each reaches the sink quickly (p50/p95 printed)`, async () => {
    await cluster.port.create(INTERNAL_REQUESTS, 'tenant', internalRequest('timed'));
    await sink.waitFor((events) => events.length === 1, 'the add');
    const latencies: number[] = [];
    for (let i = 1; i <= CHANGES; i += 1) {
      const started = performance.now();
      await cluster.port.patch(INTERNAL_REQUESTS, 'tenant', 'timed', { merge: { spec: { params: { n: String(i) } } } });
      await sink.waitFor((events) => events.length === i + 1, `update ${i}`);
      latencies.push((sink.received[i]?.receivedAt ?? NaN) - started);
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    const [p50, p95] = [percentile(sorted, 50), percentile(sorted, 95)];
    console.log(`remote-source latency, object change → event at sink, ${CHANGES} changes: p50 ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms`);
    expect(sink.received.slice(1).map((e) => (e.data['spec'] as { params: { n: string } }).params.n)).toEqual(latencies.map((_, i) => String(i + 1)));
    expect(p95).toBeLessThan(250);
  });
});
