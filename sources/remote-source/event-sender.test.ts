import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudEvent } from 'cloudevents';
import { captureLog } from '../../test/sources/support/log-capture.js';
import type { CapturedLine } from '../../test/sources/support/log-capture.js';
import { TestSink } from '../../test/sources/support/test-sink.js';
import { until } from '../../test/support/until.js';
import { EventSender } from './event-sender.js';

let sink: TestSink;
beforeAll(async () => (sink = await TestSink.start()));
afterAll(async () => sink.stop());

function senderWith(waits: number[]): { sender: EventSender; lines: CapturedLine[] } {
  const delay = async (ms: number): Promise<void> => void waits.push(ms);
  const { log, lines } = captureLog();
  return { sender: new EventSender({ sink: sink.url, log, delay }), lines };
}

const event = (): CloudEvent<unknown> => new CloudEvent({ type: 't', source: 'http://s', subject: '/x', data: { a: 1 } });

describe('EventSender', () => {
  it('when the sink fails transiently, then the send is retried with exponential waits from 50 ms and succeeds', async () => {
    const waits: number[] = [];
    const { sender, lines } = senderWith(waits);
    sink.clear();
    sink.answerNext(503, 2);
    sink.answerNext(429);
    const ev = event();
    await expect(sender.send(ev)).resolves.toBe(true);
    expect(waits).toEqual([50, 100, 200]);
    expect(sink.received).toHaveLength(1);
    expect(sink.received[0]?.headers['ce-id']).toBe(ev.id);
    expect(lines).toEqual([]);
  });

  it('when every attempt fails, then after 5 retries the event is logged as lost with its identity', async () => {
    const waits: number[] = [];
    const { sender, lines } = senderWith(waits);
    const before = sink.attempts;
    sink.answerNext(500, 6);
    const ev = event();
    await expect(sender.send(ev)).resolves.toBe(false);
    expect(sink.attempts - before).toBe(6);
    expect(waits).toEqual([50, 100, 200, 400, 800]);
    expect(lines).toEqual([expect.objectContaining({ level: 'error', message: 'event lost', id: ev.id, type: 't', subject: '/x', attempts: 6, status: 500 })]);
  });

  it('when the sink refuses the event as malformed (400), then it is not retried', async () => {
    const { sender, lines } = senderWith([]);
    const before = sink.attempts;
    sink.answerNext(400);
    await expect(sender.send(event())).resolves.toBe(false);
    expect(sink.attempts - before).toBe(1);
    expect(lines[0]).toMatchObject({ message: 'event lost', attempts: 1, status: 400 });
  });

  it('when the sink is unreachable, then the transport error is retried and logged', async () => {
    const { log, lines } = captureLog();
    const delay = async (): Promise<void> => undefined;
    const sender = new EventSender({ sink: 'http://127.0.0.1:9/', log, delay, retries: 1 });
    await expect(sender.send(event())).resolves.toBe(false);
    expect(lines[0]).toMatchObject({ message: 'event lost', attempts: 2, error: expect.any(String) });
  });

  it('when the sink does not answer within the attempt timeout, then the attempt ends and is retried, and the event is logged as lost', async () => {
    const silent = createServer(() => undefined); // takes requests, never answers
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { log, lines } = captureLog();
      const sender = new EventSender({ sink: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/`, log, delay: async () => undefined, retries: 1, timeoutMs: 1 });
      await expect(sender.send(event())).resolves.toBe(false);
      expect(lines).toEqual([expect.objectContaining({ message: 'event lost', attempts: 2, error: 'no answer within 1 ms' })]);
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });

  it('when the source gives up (shutdown) while an attempt waits for the sink, then the attempt ends and the event is logged as lost', async () => {
    const { log, lines } = captureLog();
    const cancel = new AbortController();
    const sender = new EventSender({ sink: sink.url, log, delay: async () => undefined, cancel: cancel.signal });
    const release = sink.holdResponses();
    const sending = sender.send(event());
    await until(() => sink.held === 1, 'the attempt to reach the sink');
    cancel.abort();
    await expect(sending).resolves.toBe(false);
    release();
    expect(lines).toEqual([expect.objectContaining({ message: 'event lost', attempts: 1, stopping: true, error: expect.any(String) })]);
  });
});

