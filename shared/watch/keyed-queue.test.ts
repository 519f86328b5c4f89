import { describe, expect, it } from '@jest/globals';
import { KeyedQueue } from './keyed-queue.js';

function gate(): { promise: Promise<void>; open: () => void } {
  let open: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe('KeyedQueue', () => {
  it('when jobs share a key, then they run one after another in submission order', async () => {
    const queue = new KeyedQueue(4);
    const order: string[] = [];
    const first = gate();
    queue.push('k', async () => {
      await first.promise;
      order.push('first');
    });
    queue.push('k', async () => {
      order.push('second');
    });
    queue.push('other', async () => {
      order.push('other');
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['other']);
    first.open();
    await queue.drain();
    expect(order).toEqual(['other', 'first', 'second']);
  });

  it('when more keys are busy than the concurrency allows, then the extra jobs wait for a slot', async () => {
    const queue = new KeyedQueue(2);
    let running = 0;
    let peak = 0;
    const gates = [gate(), gate(), gate(), gate()];
    gates.forEach((g, i) =>
      queue.push(`k${i}`, async () => {
        running += 1;
        peak = Math.max(peak, running);
        await g.promise;
        running -= 1;
      }),
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(running).toBe(2);
    for (const g of gates) g.open();
    await queue.drain();
    expect(peak).toBe(2);
  });

  it('when a job throws, then later jobs of its key still run', async () => {
    const queue = new KeyedQueue(1);
    const ran: string[] = [];
    queue.push('k', async () => {
      throw new Error('boom');
    });
    queue.push('k', async () => {
      ran.push('after');
    });
    await queue.drain();
    expect(ran).toEqual(['after']);
  });

  it('when waiting for room, then it resolves once few enough jobs are pending, or at once when the wait is aborted', async () => {
    const queue = new KeyedQueue(1);
    const gates = [gate(), gate(), gate()];
    gates.forEach((g, i) => queue.push(`k${i}`, () => g.promise));
    expect(queue.pending).toBe(3);
    let roomy = false;
    const room = queue.whenPendingAtMost(1, new AbortController().signal).then(() => (roomy = true));
    gates[0]?.open();
    await new Promise((resolve) => setImmediate(resolve));
    expect(roomy).toBe(false);
    gates[1]?.open();
    await room;
    expect(queue.pending).toBe(1);
    const aborted = new AbortController();
    const waiting = queue.whenPendingAtMost(0, aborted.signal);
    aborted.abort();
    await waiting;
    gates[2]?.open();
    await queue.drain();
    expect(queue.pending).toBe(0);
  });
});
