/**
 * Stops what was started, newest first, so that each part stops while the parts it sends to are
 * still up. Used both by `stop()` and to undo a start that failed half way.
 */
export class Teardown {
  private readonly steps: Array<{ what: string; stop: () => Promise<void> }> = [];
  private running: Promise<void> | undefined;

  add(what: string, stop: () => Promise<void>): void {
    this.steps.push({ what, stop });
  }

  /** Runs every step once, even when some fail; then throws one error naming the failures. */
  run(): Promise<void> {
    this.running ??= this.unwind();
    return this.running;
  }

  private async unwind(): Promise<void> {
    const failures: string[] = [];
    for (const { what, stop } of this.steps.splice(0).reverse()) {
      await stop().catch((err: unknown) => failures.push(`${what}: ${err instanceof Error ? err.message : String(err)}`));
    }
    if (failures.length > 0) throw new Error(`stopping failed: ${failures.join('; ')}`);
  }
}

/** Runs `start`; when it throws, everything registered so far is stopped before the error goes on. */
export async function startOrUnwind<T>(teardown: Teardown, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (err) {
    await teardown.run().catch(() => undefined);
    throw err;
  }
}
