import { describe, expect, it } from '@jest/globals';
import { InvalidDurationError, parseGoDuration } from './duration.js';

describe('parseGoDuration', () => {
  it.each([
    ['0', 0],
    ['1h', 3_600_000],
    ['1h0m0s', 3_600_000],
    ['1h30m', 5_400_000],
    ['2.5s', 2_500],
    ['10ms', 10],
    ['1m30s', 90_000],
    ['.5s', 500],
  ])('when the timeout is %s, then it lasts %d ms', (text, ms) => {
    expect(parseGoDuration(text)).toBe(ms);
  });

  it.each(['', '1', '5 s', 'abc', '1d', '1h-1m'])('when the timeout is %j, then it is rejected', (text) => {
    expect(() => parseGoDuration(text)).toThrow(InvalidDurationError);
  });
});
