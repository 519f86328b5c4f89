import { describe, expect, it } from '@jest/globals';
import type { InternalRequestStatus } from '../api/index.js';
import { anInternalRequest } from '../api/testing.js';
import { recordAttemptFinished, recordAttemptStarted } from './attempt-metrics.js';
import { createLogger } from './logger.js';
import { BoundedLabelValues } from './metrics.js';
import { FREE_FORM_LABEL_LIMIT, ServiceMetrics } from './service-metrics.js';

const ADMITTED = 'dev.konflux.internalrequest.admitted.v1';

function completedStatus(reason: 'Succeeded' | 'Failed' | 'Rejected'): InternalRequestStatus {
  return {
    ...(reason === 'Rejected' ? {} : { startTime: '2025-01-02T03:00:00Z' }),
    completionTime: '2025-01-02T03:00:15Z',
    conditions: [{ type: 'Succeeded', status: reason === 'Succeeded' ? 'True' : 'False', reason, message: '', lastTransitionTime: '2025-01-02T03:00:15Z' }],
  };
}

function completed(reason: 'Succeeded' | 'Failed' | 'Rejected', namespace = 'team-a', pathInRepo = 'pipelines/push.yaml'): ReturnType<typeof anInternalRequest> {
  return anInternalRequest({
    metadata: { namespace },
    spec: { pipeline: { pipelineRef: { resolver: 'git', params: [{ name: 'pathInRepo', value: pathInRepo }] } } },
    status: completedStatus(reason),
  });
}

/** The sample lines of one metric family (its series, and a histogram's buckets, sum and count). */
function samples(exposition: string, name: string): string[] {
  return exposition.split('\n').filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));
}

describe('metrics of a function', () => {
  it('when attempts and events are recorded, then the reference names, types, labels and buckets are exposed', async () => {
    const metrics = new ServiceMetrics({ function: 'status-relay', eventTypes: [ADMITTED] });
    recordAttemptStarted(metrics);
    recordAttemptStarted(metrics);
    recordAttemptFinished(metrics, completed('Succeeded'));
    metrics.eventHandled(ADMITTED, 204);
    metrics.resyncRepairsTotal.inc({ repair: 'relay', result: 'done' });
    const text = await metrics.exposition();
    const labels = 'request="push",namespace="team-a",reason="Succeeded",succeeded="true"';
    expect(text).toContain('# TYPE internal_request_attempt_total counter');
    expect(text).toContain(`internal_request_attempt_total{${labels}} 1`);
    expect(text).toContain('# TYPE internal_request_attempt_duration_seconds histogram');
    expect(samples(text, 'internal_request_attempt_duration_seconds_bucket').map((line) => /le="([^"]+)"/.exec(line)?.[1])).toEqual([
      '10', '20', '40', '60', '150', '300', '450', '900', '1800', '3600', '+Inf',
    ]);
    expect(text).toContain(`internal_request_attempt_duration_seconds_bucket{le="10",${labels}} 0`);
    expect(text).toContain(`internal_request_attempt_duration_seconds_bucket{le="20",${labels}} 1`);
    expect(text).toContain(`internal_request_attempt_duration_seconds_sum{${labels}} 15`);
    expect(text).toContain(`internal_request_attempt_duration_seconds_count{${labels}} 1`);
    expect(text).toContain('# TYPE internal_request_attempt_concurrent_requests gauge');
    expect(text).toContain('internal_request_attempt_concurrent_requests 1');
    expect(text).toContain(`internal_services_events_total{function="status-relay",type="${ADMITTED}",status="204"} 1`);
    expect(text).toContain('internal_services_resync_repairs_total{repair="relay",result="done"} 1');
  });

  it('when exposed, then prom-client\'s default process metrics come with the function\'s own', async () => {
    const text = await new ServiceMetrics({ function: 'admission', eventTypes: [] }).exposition();
    expect(text).toContain('# TYPE process_cpu_user_seconds_total counter');
    expect(text).toContain('# TYPE process_resident_memory_bytes gauge');
    expect(text).toContain('# TYPE nodejs_eventloop_lag_seconds gauge');
  });

  it('when two functions share a process, then each exposes only its own series', async () => {
    const admission = new ServiceMetrics({ function: 'admission', eventTypes: [ADMITTED] });
    const cleanup = new ServiceMetrics({ function: 'cleanup', eventTypes: [ADMITTED] });
    admission.eventHandled(ADMITTED, 200);
    recordAttemptFinished(cleanup, completed('Failed'));
    const [ofAdmission, ofCleanup] = await Promise.all([admission.exposition(), cleanup.exposition()]);
    expect(samples(ofAdmission, 'internal_services_events_total')).toEqual([`internal_services_events_total{function="admission",type="${ADMITTED}",status="200"} 1`]);
    expect(samples(ofAdmission, 'internal_request_attempt_total')).toEqual([]);
    expect(samples(ofCleanup, 'internal_services_events_total')).toEqual([]);
    expect(samples(ofCleanup, 'internal_request_attempt_total')).toHaveLength(1);
  });

  it('when a label value holds quotes, backslashes or newlines, then they are escaped', async () => {
    const metrics = new ServiceMetrics({ function: 'resync', eventTypes: [] });
    metrics.resyncRepairsTotal.inc({ repair: 'x"y\\z\n', result: 'done' });
    expect(await metrics.exposition()).toContain('internal_services_resync_repairs_total{repair="x\\"y\\\\z\\n",result="done"} 1');
  });
});

describe('label cardinality is bounded', () => {
  const MANY = 1000;

  it('when requests from many namespaces are rejected, then they make one series', async () => {
    const metrics = new ServiceMetrics({ function: 'admission', eventTypes: [] });
    for (let i = 0; i < MANY; i++) recordAttemptFinished(metrics, completed('Rejected', `ns-${i}`, `p/pipeline-${i}.yaml`));
    expect(samples(await metrics.exposition(), 'internal_request_attempt_total')).toEqual([
      `internal_request_attempt_total{request="",namespace="",reason="Rejected",succeeded="false"} ${MANY}`,
    ]);
  });

  it('when runs of many namespaces and pipeline names finish, then the series stop growing at the label limit', async () => {
    const metrics = new ServiceMetrics({ function: 'status-relay', eventTypes: [] });
    for (let i = 0; i < MANY; i++) recordAttemptFinished(metrics, completed(i % 2 === 0 ? 'Succeeded' : 'Failed', `ns-${i}`, `p/pipeline-${i}.yaml`));
    const series = samples(await metrics.exposition(), 'internal_request_attempt_total');
    expect(series.length).toBeLessThanOrEqual(FREE_FORM_LABEL_LIMIT + 2);
    expect(series).toContain(`internal_request_attempt_total{request="other",namespace="other",reason="Succeeded",succeeded="true"} ${(MANY - FREE_FORM_LABEL_LIMIT) / 2}`);
  });

  it('when events claim many types the function does not consume, then they are counted as one type', async () => {
    const metrics = new ServiceMetrics({ function: 'admission', eventTypes: [ADMITTED] });
    for (let i = 0; i < MANY; i++) metrics.eventHandled(`forged.type.${i}`, 400);
    metrics.eventHandled(ADMITTED, 200);
    expect(samples(await metrics.exposition(), 'internal_services_events_total')).toEqual([
      `internal_services_events_total{function="admission",type="other",status="400"} ${MANY}`,
      `internal_services_events_total{function="admission",type="${ADMITTED}",status="200"} 1`,
    ]);
  });

  it.each([
    ['the first values up to the limit stay themselves', ['a', 'b', 'a'], ['a', 'b', 'a']],
    ['a new value past the limit becomes other, a known one stays', ['a', 'b', 'c', 'a'], ['a', 'b', 'other', 'a']],
    ['a value longer than the longest kept becomes other and takes no place', ['x'.repeat(9), 'a', 'b'], ['other', 'a', 'b']],
  ])('BoundedLabelValues: %s', (_case, values, labels) => {
    const bounded = new BoundedLabelValues(2, 8);
    expect(values.map((value) => bounded.valueOf(value))).toEqual(labels);
  });
});

describe('logger', () => {
  it('when a line is logged, then it is one JSON object with time, level, message and the bound fields', () => {
    const lines: string[] = [];
    const now = (): Date => new Date('2025-01-01T00:00:00Z');
    const log = createLogger({ function: 'admission' }, { write: (l) => lines.push(l), now, minLevel: () => undefined });
    log.child({ eventId: 'e1' }).log('warn', 'event handled', { status: 400 });
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([
      { time: '2025-01-01T00:00:00.000Z', level: 'warn', message: 'event handled', function: 'admission', eventId: 'e1', status: 400 },
    ]);
  });

  it('when LOG_LEVEL is warn, then info lines are dropped and warnings kept', () => {
    const lines: string[] = [];
    const log = createLogger({}, { write: (l) => lines.push(l), minLevel: () => 'warn' });
    log.log('info', 'quiet');
    log.log('error', 'loud');
    expect(lines.map((l) => (JSON.parse(l) as { message: string }).message)).toEqual(['loud']);
  });
});
