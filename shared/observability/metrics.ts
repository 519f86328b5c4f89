/** A small Prometheus registry: counters, gauges and histograms rendered in the text exposition format. */
export type Labels = Record<string, string>;

interface Series {
  labels: Labels;
  value: number;
}

function labelKey(labels: Labels): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function formatLabels(labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

abstract class Metric {
  protected readonly series = new Map<string, Series>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'gauge' | 'histogram',
  ) {}
  protected add(labels: Labels, delta: number): void {
    const key = labelKey(labels);
    const current = this.series.get(key) ?? { labels, value: 0 };
    current.value += delta;
    this.series.set(key, current);
  }
  render(): string {
    return [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.type}`, ...this.lines()].join('\n');
  }
  protected lines(): string[] {
    return [...this.series.values()].map((s) => `${this.name}${formatLabels(s.labels)} ${s.value}`);
  }
}

export class Counter extends Metric {
  constructor(name: string, help: string) {
    super(name, help, 'counter');
  }
  inc(labels: Labels = {}, value = 1): void {
    this.add(labels, value);
  }
}

export class Gauge extends Metric {
  constructor(name: string, help: string) {
    super(name, help, 'gauge');
  }
  inc(labels: Labels = {}): void {
    this.add(labels, 1);
  }
  dec(labels: Labels = {}): void {
    this.add(labels, -1);
  }
}

export class Histogram extends Metric {
  private readonly observations = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
  constructor(
    name: string,
    help: string,
    readonly buckets: number[],
  ) {
    super(name, help, 'histogram');
  }
  observe(labels: Labels, value: number): void {
    const key = labelKey(labels);
    const entry = this.observations.get(key) ?? { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
    this.buckets.forEach((bound, i) => {
      if (value <= bound) entry.counts[i] = (entry.counts[i] ?? 0) + 1;
    });
    entry.sum += value;
    entry.count += 1;
    this.observations.set(key, entry);
  }
  protected override lines(): string[] {
    return [...this.observations.values()].flatMap(({ labels, counts, sum, count }) => [
      ...this.buckets.map((bound, i) => `${this.name}_bucket${formatLabels({ ...labels, le: String(bound) })} ${counts[i] ?? 0}`),
      `${this.name}_bucket${formatLabels({ ...labels, le: '+Inf' })} ${count}`,
      `${this.name}_sum${formatLabels(labels)} ${sum}`,
      `${this.name}_count${formatLabels(labels)} ${count}`,
    ]);
  }
}

export class MetricsRegistry {
  private readonly metrics: Metric[] = [];
  register<M extends Metric>(metric: M): M {
    this.metrics.push(metric);
    return metric;
  }
  render(): string {
    return `${this.metrics.map((m) => m.render()).join('\n')}\n`;
  }
}

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
