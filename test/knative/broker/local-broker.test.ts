import { afterEach, describe, expect, it } from '@jest/globals';
import { LocalBroker } from '../../../local/broker/broker.js';
import { UnresolvedSubscriberError } from '../../../local/broker/subscribers.js';
import type { RecordingSubscriber, Responder } from '../support/recording-subscriber.js';
import { startSubscriber } from '../support/recording-subscriber.js';
import { binaryReply, event, recordingDelay, routing, trigger } from './broker-fixtures.js';

const ADD = 'dev.knative.apiserver.resource.add';
const open: Array<{ close(): Promise<void> }> = [];

async function subscriber(responder?: Responder): Promise<RecordingSubscriber> {
  const started = await startSubscriber(responder);
  open.push(started);
  return started;
}

async function broker(options: Parameters<typeof LocalBroker.create>[0]): Promise<LocalBroker> {
  const created = await LocalBroker.create(options);
  open.unshift(created);
  return created;
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((closable) => closable.close()));
});

describe('local broker: delivery', () => {
  it('when an event matches a Trigger, then the subscriber gets it in binary mode with Prefer: reply', async () => {
    const fn = await subscriber();
    const local = await broker({ routing: routing([trigger('t', 'fn', { type: ADD, kind: 'InternalRequest' })]), subscribers: { fn: fn.url } });

    local.publish(event(ADD, { kind: 'InternalRequest' }));
    await local.whenIdle();

    expect(fn.received).toHaveLength(1);
    const [request] = fn.received;
    expect(request?.headers).toMatchObject({ prefer: 'reply', 'ce-specversion': '1.0', 'ce-type': ADD, 'ce-source': '/test', 'ce-kind': 'InternalRequest', 'content-type': 'application/json' });
    expect(JSON.parse(request?.body ?? '')).toEqual({ name: 'ir-1' });
  });

  it('when an event matches two Triggers, then both subscribers get it; when it matches none, nobody does', async () => {
    const a = await subscriber();
    const b = await subscriber();
    const local = await broker({
      routing: routing([trigger('a', 'a', { type: ADD }), trigger('b', 'b', { kind: 'InternalRequest' })]),
      subscribers: { a: a.url, b: b.url },
    });

    local.publish(event(ADD, { kind: 'InternalRequest' }));
    local.publish(event('dev.knative.apiserver.resource.delete', { kind: 'PipelineRun' }));
    await local.whenIdle();

    expect([a.received.length, b.received.length]).toEqual([1, 1]);
    expect(local.deadLetters).toEqual([]);
  });

  it('when a subscriber fails twice with 503, then it is retried with exponential backoff and the third attempt succeeds', async () => {
    const fn = await subscriber((_, n) => (n < 2 ? { status: 503 } : { status: 204 }));
    const { waits, delay } = recordingDelay();
    const local = await broker({ routing: routing([trigger('t', 'fn', { type: ADD })], { retry: 5, backoffPolicy: 'exponential', backoffDelay: 'PT0.5S' }), subscribers: { fn: fn.url }, delay });

    local.publish(event(ADD));
    await local.whenIdle();

    expect(fn.received).toHaveLength(3);
    expect(waits).toEqual([500, 1000]);
    expect(local.deadLetters).toEqual([]);
  });

  it.each([404, 408, 409, 429, 500])('when a subscriber keeps answering %d, then all retry + 1 attempts are made before the dead letter', async (status) => {
    const fn = await subscriber(() => ({ status, body: 'try later' }));
    const local = await broker({ routing: routing([trigger('t', 'fn', { type: ADD })], { retry: 3, backoffPolicy: 'linear', backoffDelay: 'PT1S' }), subscribers: { fn: fn.url }, delay: recordingDelay().delay });

    local.publish(event(ADD));
    await local.whenIdle();

    expect(fn.received).toHaveLength(4);
    expect(local.deadLetters).toHaveLength(1);
    expect(local.deadLetters[0]).toMatchObject({ trigger: 't', attempts: 4 });
  });

  it.each([400, 401, 403, 422, 302])('when a subscriber answers %d, then it is not retried and the event is dead-lettered at once', async (status) => {
    const fn = await subscriber(() => ({ status, body: 'bad event: data.name is required' }));
    const local = await broker({ routing: routing([trigger('t', 'fn', { type: ADD })]), subscribers: { fn: fn.url }, delay: recordingDelay().delay });
    const sent = event(ADD);

    local.publish(sent);
    await local.whenIdle();

    expect(fn.received).toHaveLength(1);
    const letter = local.deadLetters[0];
    expect(letter).toMatchObject({ trigger: 't', attempts: 1 });
    expect(letter?.event).toMatchObject({ id: sent.id, type: ADD, knativeerrordest: fn.url, knativeerrorcode: String(status) });
    expect(Buffer.from(String(letter?.event['knativeerrordata']), 'base64').toString()).toBe('bad event: data.name is required');
  });

  it('when the dead letter names a sink, then it is the Broker delivery deadLetterSink', async () => {
    const fn = await subscriber(() => ({ status: 400 }));
    const delivery = { retry: 0, deadLetterSink: { ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'dead-letters' } } };
    const local = await broker({ routing: routing([trigger('t', 'fn', { type: ADD })], delivery), subscribers: { fn: fn.url } });

    local.publish(event(ADD));
    await local.whenIdle();

    expect(local.deadLetters[0]?.sink).toBe('dead-letters');
  });

  it('when the subscriber cannot be reached, then the transport error is retried and dead-lettered with code 500', async () => {
    const gone = await startSubscriber();
    await gone.close();
    const local = await broker({ routing: routing([trigger('t', 'fn', { type: ADD })], { retry: 2 }), subscribers: { fn: gone.url } });

    local.publish(event(ADD));
    await local.whenIdle();

    const letter = local.deadLetters[0];
    expect(letter?.attempts).toBe(3);
    expect(letter?.event['knativeerrorcode']).toBe('500');
    expect(Buffer.from(String(letter?.event['knativeerrordata']), 'base64').toString()).toMatch(/^dispatch error: /);
  });

  it('when an attempt outlasts the delivery timeout, then it is cut off and retried', async () => {
    const fn = await subscriber((_, n) => (n === 0 ? undefined : { status: 202 }));
    const timeouts: number[] = [];
    // The first attempt's timeout fires as soon as the request has arrived; later ones never do.
    const timeoutSignal = (ms: number): AbortSignal => {
      timeouts.push(ms);
      const controller = new AbortController();
      if (timeouts.length === 1) void fn.waitFor(1).then(() => controller.abort());
      return controller.signal;
    };
    const local = await broker({ routing: routing([trigger('t', 'fn', { type: ADD })], { retry: 1, timeout: 'PT45S' }), subscribers: { fn: fn.url }, timeoutSignal });

    local.publish(event(ADD));
    await local.whenIdle();

    expect(timeouts).toEqual([45_000, 45_000]);
    expect(fn.received).toHaveLength(2);
    expect(local.deadLetters).toEqual([]);
  });

  it('when a Trigger names a subscriber with no URL, then creating the broker fails naming it', async () => {
    await expect(LocalBroker.create({ routing: routing([trigger('t', 'missing', { type: ADD })]), subscribers: {} })).rejects.toThrow(UnresolvedSubscriberError);
    await expect(LocalBroker.create({ routing: routing([trigger('t', 'missing', { type: ADD })]), subscribers: {} })).rejects.toThrow(/t → missing/);
  });

  it('when the broker itself fails during a delivery, then the event is dead-lettered and the broker still becomes idle', async () => {
    const fn = await subscriber();
    const onAttempt = (): void => {
      throw new Error('hook failed');
    };
    const local = await broker({ routing: routing([trigger('t', 'fn', { type: ADD })]), subscribers: { fn: fn.url }, onAttempt });

    local.publish(event(ADD));
    await local.whenIdle();

    expect(local.deadLetters[0]?.event).toMatchObject({ knativeerrorcode: '500' });
    expect(Buffer.from(String(local.deadLetters[0]?.event['knativeerrordata']), 'base64').toString()).toMatch(/local broker error: Error: hook failed/);
  });

  it('when the broker closes during a retry wait, then the delivery is abandoned and the broker becomes idle', async () => {
    const fn = await subscriber(() => ({ status: 503 }));
    const local = await LocalBroker.create({ routing: routing([trigger('t', 'fn', { type: ADD })]), subscribers: { fn: fn.url }, delay: () => new Promise<void>(() => undefined) });

    local.publish(event(ADD));
    await fn.waitFor(1);
    await local.close();
    await local.whenIdle();

    expect(fn.received).toHaveLength(1);
    expect(local.deadLetters).toEqual([]);
  });
});

describe('local broker: replies', () => {
  const ADMITTED = 'dev.konflux.internalrequest.admitted.v1';

  it('when a subscriber answers 200 with a binary CloudEvent, then that event is routed to its Triggers', async () => {
    const creator = await subscriber();
    const admission = await subscriber(() => binaryReply(ADMITTED));
    const local = await broker({
      routing: routing([trigger('admit', 'admission', { type: ADD }), trigger('create', 'creator', { type: ADMITTED })]),
      subscribers: { admission: admission.url, creator: creator.url },
    });

    local.publish(event(ADD));
    await local.whenIdle();

    expect(creator.received).toHaveLength(1);
    expect(creator.received[0]?.headers).toMatchObject({ 'ce-type': ADMITTED, 'ce-source': '/internal-services/test', prefer: 'reply' });
  });

  it('when a subscriber answers with a structured CloudEvent, then it is routed too', async () => {
    const creator = await subscriber();
    const structured = { status: 200, headers: { 'content-type': 'application/cloudevents+json' }, body: JSON.stringify({ specversion: '1.0', id: 'r', type: ADMITTED, source: '/s', data: {} }) };
    const admission = await subscriber(() => structured);
    const local = await broker({ routing: routing([trigger('admit', 'admission', { type: ADD }), trigger('create', 'creator', { type: ADMITTED })]), subscribers: { admission: admission.url, creator: creator.url } });

    local.publish(event(ADD));
    await local.whenIdle();

    expect(creator.received.map((r) => r.headers['ce-id'])).toEqual(['r']);
  });

  it('when a subscriber answers 200 with a body that is no CloudEvent, then the body is dropped', async () => {
    const other = await subscriber();
    const fn = await subscriber(() => ({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' }));
    const local = await broker({ routing: routing([trigger('t', 'fn', { type: ADD }), trigger('all', 'other', {})]), subscribers: { fn: fn.url, other: other.url } });

    local.publish(event(ADD));
    await local.whenIdle();

    expect(other.received).toHaveLength(1);
    expect(local.deadLetters).toEqual([]);
  });

  it('when a reply claims to be a CloudEvent but is invalid, then the original event is dead-lettered with code 400', async () => {
    const broken = { status: 200, headers: { 'ce-specversion': '1.0', 'ce-type': ADMITTED, 'content-type': 'application/json' }, body: '{}' };
    const fn = await subscriber(() => broken);
    const local = await broker({ routing: routing([trigger('t', 'fn', { type: ADD })]), subscribers: { fn: fn.url } });
    const sent = event(ADD);

    local.publish(sent);
    await local.whenIdle();

    expect(local.deadLetters[0]?.event).toMatchObject({ id: sent.id, knativeerrorcode: '400', knativeerrordest: `broker:${local.name}` });
  });

  it('when replies loop, then the chain is cut after maxReplyHops with a dead letter', async () => {
    const echo = await subscriber((_, n) => binaryReply(ADD, `r${n}`));
    const local = await broker({ routing: routing([trigger('loop', 'echo', { type: ADD })]), subscribers: { echo: echo.url }, maxReplyHops: 3 });

    local.publish(event(ADD));
    await local.whenIdle();

    expect(echo.received).toHaveLength(4);
    expect(local.deadLetters[0]?.event['knativeerrorcode']).toBe('508');
  });
});
