import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { BoundedLabelValues, OTHER_LABEL_VALUE, processMetrics } from './metrics.js';

export interface ServiceMetricsOptions {
  /** The function's name: the `function` label of its events. */
  function: string;
  /** The event types it consumes: any other type an event claims is counted as `other`. */
  eventTypes: readonly string[];
}

/** Distinct values kept per free-form label (a namespace, a pipeline name) before the rest count as `other`. */
export const FREE_FORM_LABEL_LIMIT = 100;

/**
 * One function's metrics, served on its GET /metrics with the process's default metrics. Each function
 * has its own registry, so where several share a process (the embedded default) each still shows only
 * its own series. Names, labels and buckets are kept from the reference controller so dashboards and
 * alerts keep working.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  readonly attemptTotal = new Counter({
    name: 'internal_request_attempt_total',
    help: 'Total number of internal request attempts, by outcome',
    labelNames: ['request', 'namespace', 'reason', 'succeeded'] as const,
    registers: [this.registry],
  });
  readonly attemptDuration = new Histogram({
    name: 'internal_request_attempt_duration_seconds',
    help: 'Time from start to completion of internal request attempts',
    labelNames: ['request', 'namespace', 'reason', 'succeeded'] as const,
    buckets: [10, 20, 40, 60, 150, 300, 450, 900, 1800, 3600],
    registers: [this.registry],
  });
  /**
   * Incremented where a PipelineRun starts and decremented where one completes. Those are different functions,
   * so the figure is only meaningful summed over instances, and an instance scaled to zero takes its part away.
   */
  readonly concurrentRequests = new Gauge({
    name: 'internal_request_attempt_concurrent_requests',
    help: 'Number of internal request attempts in progress',
    registers: [this.registry],
  });
  readonly eventsTotal = new Counter({
    name: 'internal_services_events_total',
    help: 'CloudEvents handled, by function, event type and HTTP status',
    labelNames: ['function', 'type', 'status'] as const,
    registers: [this.registry],
  });
  /** How often events are lost, seen from the repairs: `result` is done, raced (someone else acted first) or failed. */
  readonly resyncRepairsTotal = new Counter({
    name: 'internal_services_resync_repairs_total',
    help: 'Drift the resync sweep found and repaired, by repair and result',
    labelNames: ['repair', 'result'] as const,
    registers: [this.registry],
  });
  /** The `namespace` and `request` values of the attempt metrics. */
  readonly namespaces = new BoundedLabelValues(FREE_FORM_LABEL_LIMIT);
  readonly requestNames = new BoundedLabelValues(FREE_FORM_LABEL_LIMIT);

  private readonly served: Registry;
  private readonly eventTypes: ReadonlySet<string>;

  constructor(private readonly options: ServiceMetricsOptions) {
    this.eventTypes = new Set(options.eventTypes);
    this.served = Registry.merge([this.registry, processMetrics()]);
  }

  /** One event answered; a type the function does not consume (anyone can post one) is counted as `other`. */
  eventHandled(type: string, status: number): void {
    const typeLabel = type === '' || this.eventTypes.has(type) ? type : OTHER_LABEL_VALUE;
    this.eventsTotal.inc({ function: this.options.function, type: typeLabel, status: String(status) });
  }

  /** The text exposition of this function's series and the process's default metrics. */
  exposition(): Promise<string> {
    return this.served.metrics();
  }
}
