import { describe, expect, it } from '@jest/globals';
import { startOrUnwind, Teardown } from './teardown.js';

describe('stopping what was started', () => {
  it('when run, then the parts stop newest first, once, even when run twice', async () => {
    const stopped: string[] = [];
    const teardown = new Teardown();
    for (const part of ['clusters', 'functions', 'broker']) teardown.add(part, async () => void stopped.push(part));
    await Promise.all([teardown.run(), teardown.run()]);
    expect(stopped).toEqual(['broker', 'functions', 'clusters']);
  });

  it('when a part fails to stop, then the others still stop and the error names the part', async () => {
    const stopped: string[] = [];
    const teardown = new Teardown();
    teardown.add('clusters', async () => void stopped.push('clusters'));
    teardown.add('broker', () => Promise.reject(new Error('socket stuck')));
    await expect(teardown.run()).rejects.toThrow('stopping failed: broker: socket stuck');
    expect(stopped).toEqual(['clusters']);
  });

  it('when a start fails half way, then what had started is stopped and the start error goes on', async () => {
    const stopped: string[] = [];
    const teardown = new Teardown();
    const start = startOrUnwind(teardown, async () => {
      teardown.add('clusters', async () => void stopped.push('clusters'));
      throw new Error('port in use');
    });
    await expect(start).rejects.toThrow('port in use');
    expect(stopped).toEqual(['clusters']);
  });
});
