import { Counter, Gauge, Histogram, MetricsRegistry } from './metrics.js';

/** This process's metrics, served on GET /metrics by every function. */
export const metricsRegistry = new MetricsRegistry();

/** Names, labels and buckets kept from the reference controller so dashboards and alerts keep working. */
export const attemptTotal = metricsRegistry.register(
  new Counter('internal_request_attempt_total', 'Total number of internal request attempts, by outcome'),
);
export const attemptDuration = metricsRegistry.register(
  new Histogram('internal_request_attempt_duration_seconds', 'Time from start to completion of internal request attempts', [
    10, 20, 40, 60, 150, 300, 450, 900, 1800, 3600,
  ]),
);
/**
 * Incremented where a PipelineRun starts and decremented where one completes. Those are different functions,
 * so the figure is only meaningful summed over instances, and an instance scaled to zero takes its part away.
 */
export const concurrentRequests = metricsRegistry.register(
  new Gauge('internal_request_attempt_concurrent_requests', 'Number of internal request attempts in progress'),
);
export const eventsTotal = metricsRegistry.register(
  new Counter('internal_services_events_total', 'CloudEvents handled, by function, event type and HTTP status'),
);
/** How often events are lost, seen from the repairs: `result` is done, raced (someone else acted first) or failed. */
export const resyncRepairsTotal = metricsRegistry.register(
  new Counter('internal_services_resync_repairs_total', 'Drift the resync sweep found and repaired, by repair and result'),
);
