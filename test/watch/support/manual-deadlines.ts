import type { StartDeadline } from '../../../shared/watch/index.js';

export interface ManualDeadline {
  ms: number;
  touches: number;
  cleared: boolean;
  expire: () => void;
}

/** Deadlines that pass only when the test says so: no test waits for a real one. */
export class ManualDeadlines {
  readonly started: ManualDeadline[] = [];

  readonly start: StartDeadline = (ms, expire) => {
    const deadline: ManualDeadline = { ms, touches: 0, cleared: false, expire };
    this.started.push(deadline);
    return { touch: () => void (deadline.touches += 1), clear: () => void (deadline.cleared = true) };
  };

  /** The deadlines still running (started, not cleared). */
  get running(): ManualDeadline[] {
    return this.started.filter((d) => !d.cleared);
  }

  /** Lets every running deadline pass. */
  expireRunning(): void {
    for (const deadline of this.running) deadline.expire();
  }
}
