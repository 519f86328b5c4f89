/**
 * Runs jobs with bounded concurrency while keeping jobs of the same key in submission order, so the
 * events of one object reach the sink in the order they happened while different objects proceed in
 * parallel.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<void>>();
  private readonly waiting: Array<() => void> = [];
  private running = 0;

  constructor(private readonly concurrency: number) {}

  push(key: string, job: () => Promise<void>): void {
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

  private async withSlot(job: () => Promise<void>): Promise<void> {
    await this.acquire();
    try {
      await job();
    } catch {
      // Jobs report their own failures; one failure must not break the chain of its key.
    } finally {
      this.release();
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
