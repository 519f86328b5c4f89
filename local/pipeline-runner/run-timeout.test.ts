import { describe, expect, it } from '@jest/globals';
import { timeoutsRefusal } from '../../shared/core/index.js';
import { armTimeout, pipelineTimeout } from './run-timeout.js';

describe('pipelineTimeout: the runner reads timeouts.pipeline as admission does (one Go-duration parser)', () => {
  it.each([
    { text: '1.s', ms: 1_000 },
    { text: '5μs', ms: 0.005 }, // U+03BC Greek mu
    { text: '5µs', ms: 0.005 }, // U+00B5 micro sign
    { text: '5us', ms: 0.005 },
    { text: '1h2m3.5s', ms: 3_723_500 },
    { text: '.5s', ms: 500 },
    { text: '+1s', ms: 1_000 },
    { text: '0', ms: 0 },
    { text: '-0', ms: 0 },
    { text: '720h', ms: 2_592_000_000 },
    { text: '2562047h47m16.854775807s', ms: 9_223_372_036_854.775 },
    { text: '-1s', ms: undefined },
    { text: '', ms: undefined },
    { text: '1', ms: undefined },
    { text: '.s', ms: undefined },
    { text: '1d', ms: undefined },
    { text: '5 s', ms: undefined },
    { text: '2562048h', ms: undefined }, // overflows Go's int64 nanoseconds
    { text: '9223372036854775808ns', ms: undefined },
  ])('$text: admission and the runner agree (runner: $ms ms, undefined = refused)', ({ text, ms }) => {
    const admission = timeoutsRefusal({ pipeline: text });
    const runner = pipelineTimeout({ timeouts: { pipeline: text } });
    expect(typeof runner === 'string').toBe(admission !== undefined);
    if (ms === undefined) {
      expect(runner).toBe(`invalid timeouts: ${admission}`);
    } else {
      expect(runner).toEqual({ text, ms: expect.closeTo(ms, 6) });
    }
  });

  it('when timeouts.pipeline is unset, then Tekton’s default of one hour applies', () => {
    expect(pipelineTimeout({})).toEqual({ text: '1h0m0s', ms: 3_600_000 });
  });

  it('when timeouts.tasks is longer than the pipeline, then the runner refuses the run as admission does', () => {
    expect(pipelineTimeout({ timeouts: { pipeline: '1m', tasks: '2m' } })).toBe(`invalid timeouts: ${timeoutsRefusal({ pipeline: '1m', tasks: '2m' })}`);
  });
});

describe('armTimeout', () => {
  it('when the timeout is longer than a timer can wait (720h), then the run is not cut off at once', async () => {
    const controller = new AbortController();
    const now = new Date();
    const timeout = pipelineTimeout({ timeouts: { pipeline: '720h' } });
    if (typeof timeout === 'string') throw new Error(timeout);
    const disarm = armTimeout(controller, timeout, now.toISOString(), now);
    await new Promise((resolve) => setTimeout(resolve, 20)); // an overflowing timer fires after 1 ms
    disarm();
    expect(controller.signal.aborted).toBe(false);
  });
});
