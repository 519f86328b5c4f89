/** Capped exponential backoff: initial, initial·factor, … up to max; reset after a healthy connection. */
export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
  factor?: number;
}

export class Backoff {
  private failures = 0;
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly factor: number;

  constructor(options: BackoffOptions = {}) {
    this.initialMs = options.initialMs ?? 250;
    this.maxMs = options.maxMs ?? 30_000;
    this.factor = options.factor ?? 2;
  }

  /** The wait before the next attempt, growing with each consecutive failure. */
  next(): number {
    const ms = Math.min(this.maxMs, this.initialMs * this.factor ** this.failures);
    this.failures += 1;
    return ms;
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
