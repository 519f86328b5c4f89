import { describe, expect, it } from '@jest/globals';
import { Backoff } from '../../sources/remote-source/backoff.js';

describe('Backoff', () => {
  it('when failures repeat, then the wait doubles up to the cap, and a reset starts over', () => {
    const backoff = new Backoff({ initialMs: 100, maxMs: 500 });
    expect([backoff.next(), backoff.next(), backoff.next(), backoff.next(), backoff.next()]).toEqual([100, 200, 400, 500, 500]);
    backoff.reset();
    expect(backoff.next()).toBe(100);
  });
});
