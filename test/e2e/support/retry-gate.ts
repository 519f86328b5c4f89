/**
 * What times the broker's waits between delivery attempts (`retryDelay` of the embedded system). Open,
 * a wait ends at once: the backoff's real length only spaces attempts out, and the test has no use for
 * the time. Closed, every wait holds until the gate opens again, so an outage the test is staging (a
 * function's process killed and started again, an API server restarted) ends within the retry span, as a
 * pod restart ends within Knative's 2 minutes of retries.
 */
export interface RetryGate {
  readonly delay: (ms: number) => Promise<void>;
  /** Waits started so far (each is one retry the broker scheduled). */
  readonly waits: number;
  close(): void;
  open(): void;
}

export function retryGate(): RetryGate {
  let closed = false;
  let waits = 0;
  let held: Array<() => void> = [];
  return {
    delay: () => {
      waits++;
      // setImmediate, not a resolved promise: the broker's other work gets its turn before the retry.
      return new Promise((resolve) => (closed ? held.push(resolve) : setImmediate(resolve)));
    },
    get waits() {
      return waits;
    },
    close() {
      closed = true;
    },
    open() {
      closed = false;
      const release = held;
      held = [];
      for (const resolve of release) setImmediate(resolve);
    },
  };
}
