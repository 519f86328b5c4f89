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

describe('EventSender with a sink in this process (the embedded default\'s broker)', () => {
  function inProcessSender(answers: Array<number | Error>): { sender: EventSender; handed: Array<{ headers: Record<string, string>; body: string }>; waits: number[]; lines: CapturedLine[] } {
    const handed: Array<{ headers: Record<string, string>; body: string }> = [];
    const waits: number[] = [];
    const { log, lines } = captureLog();
    const inProcess = (message: { headers: Record<string, string>; body: string }): number => {
      handed.push(message);
      const answer = answers.shift() ?? 202;
      if (answer instanceof Error) throw answer;
      return answer;
    };
    const sender = new EventSender({ sink: 'http://127.0.0.1:1/', inProcess, log, delay: async (ms) => void waits.push(ms) });
    return { sender, handed, waits, lines };
  }

  it('when the sink accepts, then it was handed the binary-mode message a POST would carry, and nothing went over HTTP', async () => {
    const { sender, handed } = inProcessSender([202]);
    const before = sink.attempts;
    const ev = event();
    await expect(sender.send(ev)).resolves.toBe(true);
    expect(handed).toHaveLength(1);
    expect(handed[0]?.headers).toMatchObject({ 'ce-id': ev.id, 'ce-type': 't', 'ce-source': 'http://s', 'ce-subject': '/x', 'ce-specversion': '1.0' });
    expect(JSON.parse(handed[0]?.body ?? '')).toEqual({ a: 1 });
    expect(sink.attempts).toBe(before);
  });

  it('when the sink answers 503 or throws, then the send is retried as over HTTP, and a lost event names the sink and the error', async () => {
    const { sender, waits } = inProcessSender([503, new Error('broker closed')]);
    await expect(sender.send(event())).resolves.toBe(true);
    expect(waits).toEqual([50, 100]);

    const failing = inProcessSender(Array.from({ length: 6 }, () => new Error('broker closed')));
    await expect(failing.sender.send(event())).resolves.toBe(false);
    expect(failing.lines).toEqual([expect.objectContaining({ message: 'event lost', sink: 'http://127.0.0.1:1/', attempts: 6, error: 'broker closed' })]);
  });

  it('when the sink refuses the event (400), then it is not retried', async () => {
    const { sender, handed } = inProcessSender([400]);
    await expect(sender.send(event())).resolves.toBe(false);
    expect(handed).toHaveLength(1);
  });
});
