/**
 * Capped exponential backoff with equal jitter: the n-th consecutive failure waits between half and all
 * of min(max, initial·factor^n), so watchers that failed together (an API server restart) do not all
 * come back at the same moment, and no wait is shorter than half its step. Reset after a healthy
 * connection.
 */
export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
  factor?: number;
  /** A number in [0, 1): Math.random, injected so tests know the waits. */
  random?: () => number;
}

export class Backoff {
  private failures = 0;
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly factor: number;
  private readonly random: () => number;

  constructor(options: BackoffOptions = {}) {
    this.initialMs = options.initialMs ?? 250;
    this.maxMs = options.maxMs ?? 30_000;
    this.factor = options.factor ?? 2;
    this.random = options.random ?? Math.random;
  }

  /** The wait before the next attempt, growing with each consecutive failure. */
  next(): number {
    const step = Math.min(this.maxMs, this.initialMs * this.factor ** this.failures);
    this.failures += 1;
    return Math.round(step / 2 + (step / 2) * this.random());
  }

  reset(): void {
    this.failures = 0;
  }
}

/** Waits `ms` milliseconds; resolves early (never rejects) when `signal` aborts. Injected so tests never sleep. */
export type Delay = (ms: number, signal?: AbortSignal) => Promise<void>;

export const realDelay: Delay = (ms, signal) =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
