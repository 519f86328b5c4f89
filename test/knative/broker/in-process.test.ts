import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from '@jest/globals';
import { PROJECT_ROOT } from '../../../local/embedded/project-paths.js';
import { LocalBroker } from '../../../local/broker/broker.js';
import type { InProcessSubscriber } from '../../../local/broker/index.js';
import type { EventAnswer as Answer, EventMessage as Message } from '../../../shared/events/index.js';
import { startSubscriber } from '../support/recording-subscriber.js';
import type { RecordingSubscriber } from '../support/recording-subscriber.js';
import { binaryReply, recordingDelay, routing, trigger } from './broker-fixtures.js';

const run = promisify(execFile);
const ADD = 'dev.knative.apiserver.resource.add';
const ADMITTED = 'dev.konflux.internalrequest.admitted.v1';
const FN_URL = 'http://127.0.0.1:1/';

/** A binary-mode message as a source sends it: data with its own spacing and key order. */
function sourceMessage(headers: Record<string, string> = {}, body = '{ "metadata":{"name":"ir-1"},  "kind":"InternalRequest" }'): Message {
  return {
    headers: { 'ce-specversion': '1.0', 'ce-id': 'e-1', 'ce-type': ADD, 'ce-source': 'https://127.0.0.1:6443', 'ce-kind': 'InternalRequest', 'content-type': 'application/json', ...headers },
    body,
  };
}

/** A subscriber in this process: records what it is handed and the signal, answers as scripted. */
function inProcess(answers: (message: Message, index: number, signal: AbortSignal | undefined) => Answer | Promise<Answer>): {
  subscriber: InProcessSubscriber;
  received: Message[];
  signals: Array<AbortSignal | undefined>;
} {
  const received: Message[] = [];
  const signals: Array<AbortSignal | undefined> = [];
  return {
    received,
    signals,
    subscriber: (message, signal) => {
      received.push(message);
      signals.push(signal);
      return Promise.resolve(answers(message, received.length - 1, signal));
    },
  };
}

const ACCEPTED: Answer = { status: 202, headers: {}, body: '' };
let local: LocalBroker | undefined;
let http: RecordingSubscriber | undefined;

afterEach(async () => {
  await local?.close();
  await http?.close();
  local = undefined;
  http = undefined;
});

describe('local broker: what it is handed, it passes on as it came (as Knative\'s broker treats data as bytes)', () => {
  it('when a binary event is accepted, then its subscriber over HTTP gets the same data bytes and attributes, with Prefer: reply', async () => {
    http = await startSubscriber();
    local = await LocalBroker.create({ routing: routing([trigger('t', 'fn', { type: ADD, kind: 'InternalRequest' })]), subscribers: { fn: http.url } });
    const message = sourceMessage();

    expect(local.accept(message).status).toBe(202);
    await local.whenIdle();

    expect(http.received).toHaveLength(1);
    expect(http.received[0]?.body).toBe(message.body);
    expect(http.received[0]?.headers).toMatchObject({ ...message.headers, prefer: 'reply' });
  });

  it.each([
    ['no id', { 'ce-id': '' }, /id is required/],
    ['no source', { 'ce-source': '' }, /source is required/],
    ['a time that is no timestamp', { 'ce-time': 'yesterday' }, /time is not a timestamp: yesterday/],
  ])('when a binary event has %s, then accept answers 400 naming it and nothing is delivered', async (_, headers, problem) => {
    const fn = inProcess(() => ACCEPTED);
    local = await LocalBroker.create({ routing: routing([trigger('t', 'fn', { type: ADD })]), subscribers: { fn: FN_URL }, inProcess: new Map([[FN_URL, fn.subscriber]]) });

    const answer = local.accept(sourceMessage(headers));
    await local.whenIdle();

    expect(answer.status).toBe(400);
    expect(answer.body).toMatch(/^invalid CloudEvent: /);
    expect(answer.body).toMatch(problem);
    expect(fn.received).toEqual([]);
  });

  it('when the message is no CloudEvent at all, then accept answers 400 saying so', async () => {
    local = await LocalBroker.create({ routing: routing([]), subscribers: {} });

    const answer = local.accept({ headers: { 'content-type': 'application/json' }, body: '{}' });

    expect(answer).toMatchObject({ status: 400, body: 'the request is not a CloudEvent\n' });
  });
});

describe('local broker: a subscriber that lives in this process is handed each event without HTTP', () => {
  it('when a Trigger\'s subscriber URL is served in this process, then it gets the message a POST would carry, and its reply is routed on', async () => {
    const fn = inProcess(() => binaryReply(ADMITTED));
    const creator = inProcess(() => ({ status: 204, headers: {}, body: '' }));
    local = await LocalBroker.create({
      routing: routing([trigger('admit', 'fn', { type: ADD }), trigger('create', 'creator', { type: ADMITTED })]),
      subscribers: { fn: FN_URL, creator: 'http://127.0.0.1:2/' },
      inProcess: new Map([[FN_URL, fn.subscriber], ['http://127.0.0.1:2/', creator.subscriber]]),
    });
    const message = sourceMessage();

    local.accept(message);
    await local.whenIdle();

    expect(fn.received).toEqual([{ headers: { ...message.headers, prefer: 'reply' }, body: message.body }]);
    expect(creator.received.map((m) => m.headers['ce-type'])).toEqual([ADMITTED]);
    expect(local.deadLetters).toEqual([]);
  });

  it('when the subscriber answers 503, then the attempt is retried as over HTTP', async () => {
    const fn = inProcess((_, index) => (index === 0 ? { status: 503, headers: {}, body: 'busy' } : ACCEPTED));
    const { waits, delay } = recordingDelay();
    local = await LocalBroker.create({ routing: routing([trigger('t', 'fn', { type: ADD })]), subscribers: { fn: FN_URL }, inProcess: new Map([[FN_URL, fn.subscriber]]), delay });

    local.accept(sourceMessage());
    await local.whenIdle();

    expect(fn.received).toHaveLength(2);
    expect(waits).toEqual([1000]);
    expect(local.deadLetters).toEqual([]);
  });

  it('when the subscriber throws, then it reads as a dispatch error (500): retried, then dead-lettered', async () => {
    const fn = inProcess(() => {
      throw new Error('handler crashed');
    });
    local = await LocalBroker.create({ routing: routing([trigger('t', 'fn', { type: ADD })], { retry: 1 }), subscribers: { fn: FN_URL }, inProcess: new Map([[FN_URL, fn.subscriber]]), delay: recordingDelay().delay });

    local.accept(sourceMessage());
    await local.whenIdle();

    expect(fn.received).toHaveLength(2);
    const letter = local.deadLetters[0];
    expect(letter?.event['knativeerrorcode']).toBe('500');
    expect(Buffer.from(String(letter?.event['knativeerrordata']), 'base64').toString()).toBe('dispatch error: handler crashed');
  });

  it('when the subscriber outlasts the delivery timeout, then its signal aborts, the attempt fails and is retried', async () => {
    const timers: AbortController[] = [];
    // The first attempt's timeout fires once its subscriber is at work; the second attempt's never does.
    const fn = inProcess((_, index) => {
      if (index > 0) return ACCEPTED;
      setImmediate(() => timers[0]?.abort(new DOMException('timed out', 'TimeoutError')));
      return new Promise<Answer>(() => undefined);
    });
    const timeoutSignal = (): AbortSignal => {
      timers.push(new AbortController());
      return (timers.at(-1) as AbortController).signal;
    };
    local = await LocalBroker.create({
      routing: routing([trigger('t', 'fn', { type: ADD })], { retry: 1, timeout: 'PT45S' }),
      subscribers: { fn: FN_URL },
      inProcess: new Map([[FN_URL, fn.subscriber]]),
      delay: recordingDelay().delay,
      timeoutSignal,
    });

    local.accept(sourceMessage());
    await local.whenIdle();

    expect(fn.received).toHaveLength(2);
    expect(fn.signals.map((signal) => signal?.aborted)).toEqual([true, false]);
    expect(local.deadLetters).toEqual([]);
  });

  it('when the broker closes while a subscriber works, then the subscriber\'s signal aborts', async () => {
    let started!: () => void;
    const working = new Promise<void>((resolve) => (started = resolve));
    const fn = inProcess((_, __, signal) => {
      started();
      return new Promise<Answer>((resolve) => signal?.addEventListener('abort', () => resolve(ACCEPTED)));
    });
    local = await LocalBroker.create({ routing: routing([trigger('t', 'fn', { type: ADD })], { timeout: 'PT45S' }), subscribers: { fn: FN_URL }, inProcess: new Map([[FN_URL, fn.subscriber]]) });

    local.accept(sourceMessage());
    await working;
    await local.close();

    expect(fn.signals[0]?.aborted).toBe(true);
  });

  it('when a subscriber refuses an event whose data the SDK cannot read, then the dead letter keeps the data as the text it came as', async () => {
    const fn = inProcess(() => ({ status: 400, headers: {}, body: 'malformed event' }));
    local = await LocalBroker.create({ routing: routing([trigger('t', 'fn', { type: ADD })]), subscribers: { fn: FN_URL }, inProcess: new Map([[FN_URL, fn.subscriber]]) });

    local.accept(sourceMessage({}, '{"metadata":'));
    await local.whenIdle();

    expect(local.deadLetters[0]?.event).toMatchObject({ id: 'e-1', type: ADD, data: '{"metadata":', knativeerrorcode: '400' });
  });

  it('when many events wait on their subscribers at once, then the broker says nothing of listener leaks', async () => {
    // Node prints its MaxListenersExceededWarning on the real process's stderr, which a test's sandbox cannot
    // hear, so the broker runs in a child: 30 deliveries held by their subscriber, each listening for the close.
    const broker = pathToFileURL(join(PROJECT_ROOT, 'local/broker/broker.ts')).href;
    const script = `
      import { LocalBroker } from '${broker}';
      const FN = '${FN_URL}';
      let release; const released = new Promise((r) => (release = r));
      const routing = { brokers: [{ name: 'b', delivery: { timeout: 'PT45S' } }], triggers: [{ name: 't', broker: 'b', filter: {}, subscriber: { uri: FN } }] };
      const local = await LocalBroker.create({ routing, subscribers: {}, inProcess: new Map([[FN, async () => (await released, { status: 202, headers: {}, body: '' })]]) });
      for (let i = 0; i < 30; i++) local.accept({ headers: { 'ce-specversion': '1.0', 'ce-id': 'e-' + i, 'ce-type': 't', 'ce-source': '/s' }, body: '' });
      await new Promise((r) => setTimeout(r, 20));
      release(); await local.whenIdle(); await local.close();
      process.stdout.write('delivered');`;
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: PROJECT_ROOT });
    expect(stdout).toBe('delivered');
    expect(stderr).not.toMatch(/MaxListenersExceededWarning/);
  });
});
