import { describe, expect, it } from '@jest/globals';
import { armTimeout, pipelineTimeout } from './run-timeout.js';

describe('armTimeout', () => {
  it('when the timeout is longer than a timer can wait (720h), then the run is not cut off at once', async () => {
    const controller = new AbortController();
    const now = new Date();
    const disarm = armTimeout(controller, pipelineTimeout({ timeouts: { pipeline: '720h' } }), now.toISOString(), now);
    await new Promise((resolve) => setTimeout(resolve, 20)); // an overflowing timer fires after 1 ms
    disarm();
    expect(controller.signal.aborted).toBe(false);
  });
});
