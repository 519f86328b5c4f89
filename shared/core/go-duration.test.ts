import { describe, expect, it } from '@jest/globals';
import { GoDurationOverflowError, InvalidGoDurationError, MAX_GO_DURATION, MAX_GO_DURATION_NS, parseGoDuration } from './go-duration.js';

/** Every expectation here is what Go's time.ParseDuration returned for the same string (go1.26). */
describe("Go durations: parsed exactly as Go's time.ParseDuration, which reads Tekton's timeouts", () => {
  it.each([
    { text: '0', ns: 0n, why: '"0" alone needs no unit' },
    { text: '-0', ns: 0n, why: 'a signed "0" needs no unit either' },
    { text: '+0', ns: 0n, why: 'nor does "+0"' },
    { text: '0s', ns: 0n, why: 'zero with a unit' },
    { text: '0h0m0s', ns: 0n, why: "Go's own spelling of zero" },
    { text: '1h', ns: 3_600_000_000_000n, why: 'hours' },
    { text: '1h30m', ns: 5_400_000_000_000n, why: 'parts add up' },
    { text: '1h0m0s', ns: 3_600_000_000_000n, why: "Go's own spelling" },
    { text: '1.s', ns: 1_000_000_000n, why: 'a point with no fraction digits' },
    { text: '1.h', ns: 3_600_000_000_000n, why: 'the same with hours' },
    { text: '.5s', ns: 500_000_000n, why: 'a fraction with no whole digits' },
    { text: '.1h', ns: 360_000_000_000n, why: 'a fraction of an hour' },
    { text: '5us', ns: 5_000n, why: 'microseconds as us' },
    { text: '5µs', ns: 5_000n, why: 'microseconds with U+00B5 micro sign' },
    { text: '5μs', ns: 5_000n, why: 'microseconds with U+03BC Greek mu' },
    { text: '5.5μs', ns: 5_500n, why: 'a fraction of a microsecond' },
    { text: '5ns', ns: 5n, why: 'nanoseconds' },
    { text: '1.1ns', ns: 1n, why: 'sub-nanosecond fractions are truncated' },
    { text: '0.9ns', ns: 0n, why: 'down to zero' },
    { text: '-1s', ns: -1_000_000_000n, why: 'a negative duration (Tekton then refuses it as a timeout)' },
    { text: '+1s', ns: 1_000_000_000n, why: 'an explicit plus' },
    { text: '00000000000000000000001s', ns: 1_000_000_000n, why: 'leading zeros do not count toward overflow' },
    { text: '1.0000000001h', ns: 3_600_000_000_360n, why: 'fractions of hours to the nanosecond' },
    { text: '1.9999999999999999999999h', ns: 7_200_000_000_000n, why: 'fraction digits past 2^63 are dropped, the rest rounded as Go does' },
    { text: '.123456789123456789123456789s', ns: 123_456_789n, why: 'long fractions truncate to nanoseconds' },
    { text: '0.000000000000000000000000001h', ns: 0n, why: 'a fraction too small to count' },
    { text: '2562047h', ns: 9_223_369_200_000_000_000n, why: 'the most whole hours Go holds' },
    { text: MAX_GO_DURATION, ns: MAX_GO_DURATION_NS, why: 'the largest duration' },
    { text: '9223372036854775807ns', ns: MAX_GO_DURATION_NS, why: 'the largest duration in nanoseconds' },
    { text: '-9223372036854775808ns', ns: -(1n << 63n), why: 'the most negative duration, one beyond the largest' },
    { text: '9223372036854775808ns9223372036854775808ns', ns: 0n, why: "Go's uint64 sum wraps to 0, and Go accepts it" },
  ])('$text is $ns ns: $why', ({ text, ns }) => {
    expect(parseGoDuration(text)).toBe(ns);
  });

  it.each([
    { text: '', message: 'time: invalid duration ""' },
    { text: '-', message: 'time: invalid duration "-"' },
    { text: '.s', message: 'time: invalid duration ".s"' },
    { text: 'abc', message: 'time: invalid duration "abc"' },
    { text: '1', message: 'time: missing unit in duration "1"' },
    { text: '00', message: 'time: missing unit in duration "00"' },
    { text: '0.0', message: 'time: missing unit in duration "0.0"' },
    { text: '1s1', message: 'time: missing unit in duration "1s1"' },
    { text: '1.5.s', message: 'time: missing unit in duration "1.5.s"' },
    { text: '1H', message: 'time: unknown unit "H" in duration "1H"' },
    { text: '1d', message: 'time: unknown unit "d" in duration "1d"' },
    { text: '1h ', message: 'time: unknown unit "h " in duration "1h "' },
    { text: '5 s', message: 'time: unknown unit " s" in duration "5 s"' },
    { text: '1e3s', message: 'time: unknown unit "e" in duration "1e3s"' },
    { text: '1h-1m', message: 'time: unknown unit "h-" in duration "1h-1m"' },
  ])('$text is refused as Go refuses it: $message', ({ text, message }) => {
    expect(() => parseGoDuration(text)).toThrow(InvalidGoDurationError);
    expect(() => parseGoDuration(text)).toThrow(new Error(message));
  });

  const outOfRange = [
    { text: '3000000h', why: 'more hours than int64 nanoseconds hold' },
    { text: '2562048h', why: 'one hour past the most whole hours' },
    { text: '2562047h47m16.854775808s', why: 'one nanosecond past the largest, built from parts' },
    { text: '9223372036854775808ns', why: 'one nanosecond past the largest' },
    { text: '-9223372036854775809ns', why: 'one nanosecond past the most negative' },
    { text: '18446744073709551616ns', why: 'a number past 2^64' },
  ].map((row) => ({ ...row, label: row.text }));
  const hugeNumber = { text: `${'9'.repeat(100_000)}h`, why: 'a number of any length', label: '9…9h (100,000 digits)' };

  it.each([...outOfRange, hugeNumber])('$label is out of range ($why), which Go reports as an invalid duration', ({ text }) => {
    expect(() => parseGoDuration(text)).toThrow(GoDurationOverflowError);
    expect(() => parseGoDuration(text)).toThrow(new Error(`time: invalid duration "${text}"`));
  });
});
