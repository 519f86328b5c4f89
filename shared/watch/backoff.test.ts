import { describe, expect, it, jest } from '@jest/globals';
import { Backoff } from './backoff.js';

/** Five consecutive failures, each drawing the next number of `draws`. */
function waits(options: { initialMs: number; maxMs: number; factor?: number }, draws: number[]): number[] {
  let i = 0;
  const backoff = new Backoff({ ...options, random: () => draws[i++ % draws.length] ?? 0 });
  return draws.map(() => backoff.next());
}

describe('Backoff', () => {
  it.each([
    ['the least jitter: half of each step', { initialMs: 100, maxMs: 500 }, [0, 0, 0, 0, 0], [50, 100, 200, 250, 250]],
    ['the most jitter: all of each step', { initialMs: 100, maxMs: 500 }, [0.9999, 0.9999, 0.9999, 0.9999, 0.9999], [100, 200, 400, 500, 500]],
    ['halfway: three quarters of each step', { initialMs: 100, maxMs: 500 }, [0.5, 0.5, 0.5, 0.5, 0.5], [75, 150, 300, 375, 375]],
    ['mixed draws', { initialMs: 100, maxMs: 500 }, [0, 0.5, 0.25, 0.9999, 0], [50, 150, 250, 500, 250]],
    ['the defaults (250 ms doubling to 30 s), least jitter', { initialMs: 250, maxMs: 30_000 }, [0, 0, 0, 0, 0], [125, 250, 500, 1000, 2000]],
    ['a factor of 3', { initialMs: 100, maxMs: 10_000, factor: 3 }, [0, 0, 0, 0, 0], [50, 150, 450, 1350, 4050]],
  ])('when failures repeat with %s, then the waits lie between half and all of the capped exponential step', (_case, options, draws, expected) => {
    expect(waits(options, draws)).toEqual(expected);
  });

  it('when reset after a healthy connection, then the next wait starts from the first step again', () => {
    const backoff = new Backoff({ initialMs: 100, maxMs: 500, random: () => 0.9999 });
    for (let i = 0; i < 4; i += 1) backoff.next();
    backoff.reset();
    expect(backoff.next()).toBe(100);
  });

  it('when failures go on for very long (the exponential overflows), then the wait stays capped', () => {
    const backoff = new Backoff({ initialMs: 250, maxMs: 30_000, random: () => 0 });
    for (let i = 0; i < 2000; i += 1) backoff.next();
    expect(backoff.next()).toBe(15_000);
  });

  it('when no random source is injected, then Math.random draws the jitter', () => {
    const random = jest.spyOn(Math, 'random').mockReturnValue(0.5);
    try {
      expect(new Backoff({ initialMs: 1000, maxMs: 1000 }).next()).toBe(750);
      expect(random).toHaveBeenCalledTimes(1);
    } finally {
      random.mockRestore();
    }
  });
});
