/**
 * Runs jobs with bounded concurrency while keeping jobs of the same key in submission order, so the
 * events of one object reach the sink in the order they happened while different objects proceed in
 * parallel.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<void>>();
  private readonly waiting: Array<() => void> = [];
  private readonly roomWaiters: Array<{ limit: number; wake: () => void }> = [];
  private running = 0;
  private jobs = 0;

  constructor(private readonly concurrency: number) {}

  /** Jobs pushed and not yet finished (waiting or running). */
  get pending(): number {
    return this.jobs;
  }

  push(key: string, job: () => Promise<void>): void {
    this.jobs += 1;
    const previous = this.tails.get(key) ?? Promise.resolve();
    const tail = previous.then(() => this.withSlot(job));
    this.tails.set(key, tail);
    void tail.finally(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
  }

  /** Resolves when every job pushed so far (and any pushed meanwhile) has finished. */
  async drain(): Promise<void> {
    while (this.tails.size > 0) await Promise.all(this.tails.values());
  }

  /** Resolves once at most `limit` jobs are pending, or when `signal` aborts. */
  whenPendingAtMost(limit: number, signal: AbortSignal): Promise<void> {
    if (this.jobs <= limit || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter = { limit, wake: () => done() };
      const done = (): void => {
        signal.removeEventListener('abort', done);
        const at = this.roomWaiters.indexOf(waiter);
        if (at >= 0) this.roomWaiters.splice(at, 1);
        resolve();
      };
      this.roomWaiters.push(waiter);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  private async withSlot(job: () => Promise<void>): Promise<void> {
    await this.acquire();
    try {
      await job();
    } catch {
      // Jobs report their own failures; one failure must not break the chain of its key.
    } finally {
      this.release();
      this.jobs -= 1;
      for (const waiter of this.roomWaiters.filter((w) => this.jobs <= w.limit)) waiter.wake();
    }
  }

  private async acquire(): Promise<void> {
    if (this.running < this.concurrency) {
      this.running += 1;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve)); // the releaser hands its slot over
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running -= 1;
  }
}
