import { describe, expect, it } from '@jest/globals';
import { createLogger } from './logger.js';
import { Counter, Gauge, Histogram, MetricsRegistry } from './metrics.js';

describe('metrics', () => {
  it('when counters, gauges and histograms are used, then they render in the Prometheus text format', () => {
    const registry = new MetricsRegistry();
    const total = registry.register(new Counter('internal_request_attempt_total', 'Attempts'));
    const gauge = registry.register(new Gauge('internal_request_attempt_concurrent_requests', 'In progress'));
    const histogram = registry.register(new Histogram('internal_request_attempt_duration_seconds', 'Durations', [10, 20]));
    const labels = { request: 'push', namespace: 'team-a', reason: 'Succeeded', succeeded: 'true' };
    total.inc(labels);
    total.inc(labels);
    gauge.inc();
    gauge.inc();
    gauge.dec();
    histogram.observe(labels, 15);
    expect(registry.render()).toBe(
      [
        '# HELP internal_request_attempt_total Attempts',
        '# TYPE internal_request_attempt_total counter',
        'internal_request_attempt_total{request="push",namespace="team-a",reason="Succeeded",succeeded="true"} 2',
        '# HELP internal_request_attempt_concurrent_requests In progress',
        '# TYPE internal_request_attempt_concurrent_requests gauge',
        'internal_request_attempt_concurrent_requests 1',
        '# HELP internal_request_attempt_duration_seconds Durations',
        '# TYPE internal_request_attempt_duration_seconds histogram',
        'internal_request_attempt_duration_seconds_bucket{request="push",namespace="team-a",reason="Succeeded",succeeded="true",le="10"} 0',
        'internal_request_attempt_duration_seconds_bucket{request="push",namespace="team-a",reason="Succeeded",succeeded="true",le="20"} 1',
        'internal_request_attempt_duration_seconds_bucket{request="push",namespace="team-a",reason="Succeeded",succeeded="true",le="+Inf"} 1',
        'internal_request_attempt_duration_seconds_sum{request="push",namespace="team-a",reason="Succeeded",succeeded="true"} 15',
        'internal_request_attempt_duration_seconds_count{request="push",namespace="team-a",reason="Succeeded",succeeded="true"} 1',
        '',
      ].join('\n'),
    );
  });

  it('when a label value holds quotes, backslashes or newlines, then they are escaped', () => {
    const registry = new MetricsRegistry();
    registry.register(new Counter('c', 'h')).inc({ a: 'x"y\\z\n' });
    expect(registry.render()).toContain('c{a="x\\"y\\\\z\\n"} 1');
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
