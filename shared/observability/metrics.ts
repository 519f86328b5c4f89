/** What every function's metrics share: prom-client's process metrics, the content type, and bounded label values. */
import { Registry, collectDefaultMetrics, prometheusContentType } from 'prom-client';

export const PROMETHEUS_CONTENT_TYPE: string = prometheusContentType;

let processRegistry: Registry | undefined;

/**
 * prom-client's default metrics of this process (CPU, memory, event loop lag, GC), collected once per
 * process however many functions it serves, and shown by each of them next to its own series.
 */
export function processMetrics(): Registry {
  if (processRegistry === undefined) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/** The label value that stands for every value past a label's limit. */
export const OTHER_LABEL_VALUE = 'other';

/**
 * The values one label may take in a registry that lives as long as its process: the first `limit`
 * distinct values of at most `maxLength` characters are kept as they are, every later or longer one
 * becomes `other`. A label fed from what clients write (a namespace, a pipeline's file name) would
 * otherwise make a new series, kept until the process ends, for each value anyone cares to send.
 */
export class BoundedLabelValues {
  private readonly seen = new Set<string>();

  constructor(
    private readonly limit: number,
    private readonly maxLength = 128,
  ) {}

  valueOf(value: string): string {
    if (this.seen.has(value)) return value;
    if (this.seen.size >= this.limit || value.length > this.maxLength) return OTHER_LABEL_VALUE;
    this.seen.add(value);
    return value;
  }
}
