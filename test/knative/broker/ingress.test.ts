import { afterEach, describe, expect, it } from '@jest/globals';
import { CloudEvent, HTTP } from 'cloudevents';
import { LocalBroker } from '../../../local/broker/broker.js';
import type { RecordingSubscriber } from '../support/recording-subscriber.js';
import { startSubscriber } from '../support/recording-subscriber.js';
import { routing, trigger } from './broker-fixtures.js';

const ADD = 'dev.knative.apiserver.resource.add';
let fn: RecordingSubscriber;
let local: LocalBroker;

async function start(): Promise<string> {
  fn = await startSubscriber();
  local = await LocalBroker.create({ routing: routing([trigger('t', 'fn', { type: ADD })]), subscribers: { fn: fn.url } });
  return local.listen();
}

afterEach(async () => {
  await local.close();
  await fn.close();
});

function post(url: string, headers: Record<string, string>, body: string): Promise<Response> {
  return fetch(url, { method: 'POST', headers, body });
}

describe('local broker: HTTP ingress (a K_SINK for sources)', () => {
  const sample = new CloudEvent({ type: ADD, source: 'https://127.0.0.1:6443', kind: 'InternalRequest', data: { metadata: { name: 'ir-1' } } });

  it('when a source POSTs a binary CloudEvent, then the ingress answers 202 and routes it', async () => {
    const url = await start();
    const message = HTTP.binary(sample);

    const response = await post(url, message.headers as Record<string, string>, String(message.body));
    await local.whenIdle();

    expect(response.status).toBe(202);
    expect(fn.received.map((r) => r.headers['ce-id'])).toEqual([sample.id]);
    expect(fn.received[0]?.headers['ce-kind']).toBe('InternalRequest');
  });

  it('when a source POSTs a structured CloudEvent, then it is accepted too', async () => {
    const url = await start();
    const message = HTTP.structured(sample);

    const response = await post(url, message.headers as Record<string, string>, String(message.body));
    await local.whenIdle();

    expect(response.status).toBe(202);
    expect(fn.received).toHaveLength(1);
  });

  it('when the body is not a CloudEvent, then the ingress answers 400 and routes nothing', async () => {
    const url = await start();

    const response = await post(url, { 'content-type': 'application/json' }, '{"hello":"world"}');
    await local.whenIdle();

    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/not a CloudEvent/);
    expect(fn.received).toHaveLength(0);
  });

  it('when a binary CloudEvent lacks a required attribute, then the ingress answers 400 naming the problem', async () => {
    const url = await start();

    const response = await post(url, { 'ce-specversion': '1.0', 'ce-type': ADD, 'ce-source': '/s', 'content-type': 'application/json' }, '{}');

    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/invalid CloudEvent/);
  });

  it('when the method is not POST, then the ingress answers 405', async () => {
    const url = await start();

    expect((await fetch(url)).status).toBe(405);
  });

  it('when an event was refused by its subscriber, then GET /dead-letters lists it with Knative\'s error extensions', async () => {
    fn = await startSubscriber(() => ({ status: 400, body: 'spec.pipeline: Required value' }));
    local = await LocalBroker.create({ routing: routing([trigger('t', 'fn', { type: ADD })]), subscribers: { fn: fn.url } });
    const url = await local.listen();
    const message = HTTP.binary(sample);

    await post(url, message.headers as Record<string, string>, String(message.body));
    await local.whenIdle();
    const response = await fetch(new URL('dead-letters', url));

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual([
      expect.objectContaining({
        trigger: 't',
        attempts: 1,
        event: expect.objectContaining({ id: sample.id, type: ADD, knativeerrorcode: '400', knativeerrordest: fn.url }),
      }),
    ]);
  });
});
