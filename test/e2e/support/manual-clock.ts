/** A clock the test moves by hand, for the pings of the embedded system (`resyncTicker`). */
import type { Ticker } from '../../../local/embedded/ping-source.js';

export interface ManualClock {
  readonly ticker: Ticker;
  /** Milliseconds moved so far. */
  readonly now: number;
  /** Moves the clock and waits for the ticks that fell due (each resolves once the broker has the ping). */
  advance(ms: number): Promise<void>;
}

export function manualClock(): ManualClock {
  let now = 0;
  const tickers = new Set<{ periodMs: number; next: number; tick: () => Promise<void> }>();
  return {
    ticker: (periodMs, tick) => {
      const entry = { periodMs, next: now + periodMs, tick };
      tickers.add(entry);
      return () => void tickers.delete(entry);
    },
    get now() {
      return now;
    },
    async advance(ms) {
      now += ms;
      for (const entry of tickers) {
        for (; entry.next <= now; entry.next += entry.periodMs) await entry.tick();
      }
    },
  };
}
