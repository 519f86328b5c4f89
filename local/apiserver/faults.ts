/**
 * Fault injection for tests: fail the next N matching requests with a status code, delay matching
 * requests, and cut open watches.
 */
import { ApiError, reasonForCode } from './status-errors.js';

export interface FailRule { verb?: string; resource?: string; namespace?: string; count: number; code: number; reason?: string; message?: string }
export interface LatencyRule { verb?: string; resource?: string; ms: number }
export interface RequestKey { verb: string; resource: string; namespace?: string }

const applies = (rule: { verb?: string; resource?: string; namespace?: string }, key: RequestKey): boolean =>
  (rule.verb === undefined || rule.verb === key.verb) &&
  (rule.resource === undefined || rule.resource === key.resource) &&
  (rule.namespace === undefined || rule.namespace === key.namespace);

export class Faults {
  private failures: FailRule[] = [];
  private latencies: LatencyRule[] = [];

  constructor(
    private readonly closeWatchesOf: (resource: string | undefined, graceful: boolean) => void,
    private readonly compactHistory: () => Promise<void> | void,
  ) {}

  failNext(rule: FailRule): void {
    this.failures.push({ ...rule });
  }

  addLatency(rule: LatencyRule): void {
    this.latencies.push({ ...rule });
  }

  /** Drops open watch connections, as a network failure would. */
  cutWatches(resource?: string): void {
    this.closeWatchesOf(resource, false);
  }

  /** Ends open watch streams cleanly, as a server-side watch timeout does. */
  endWatches(resource?: string): void {
    this.closeWatchesOf(resource, true);
  }

  /** Forgets past changes, as etcd compaction does: a watch or paged list resuming from an earlier resourceVersion gets 410 Gone. */
  async expireHistory(): Promise<void> {
    await this.compactHistory();
  }

  clear(): void {
    this.failures = [];
    this.latencies = [];
  }

  /** Milliseconds to delay this request by (the sum of matching latency rules). */
  delayFor(key: RequestKey): number {
    return this.latencies.filter((r) => applies(r, key)).reduce((sum, r) => sum + r.ms, 0);
  }

  /** The injected failure for this request, consuming one use of the first matching rule. */
  failureFor(key: RequestKey): ApiError | undefined {
    const rule = this.failures.find((r) => r.count > 0 && applies(r, key));
    if (!rule) return undefined;
    rule.count--;
    this.failures = this.failures.filter((r) => r.count > 0);
    const reason = rule.reason ?? reasonForCode(rule.code);
    return new ApiError(rule.code, reason, rule.message ?? `injected failure: ${reason}`);
  }
}
