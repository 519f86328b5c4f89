import { describe, expect, it } from '@jest/globals';
import { http } from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { CloudEvent, HTTP } from 'cloudevents';
import request from 'supertest';
import { INTERNAL_REQUEST_ADMITTED, INTERNAL_REQUEST_DELETING, InternalRequestRefSchema, domainEvent } from '../events/index.js';
import { ClusterUnreachableError, ConflictError, ServerError, TooManyRequestsError } from '../kube/index.js';
import { createLogger } from '../observability/index.js';
import { MAX_EVENT_BODY_BYTES } from './body-limit.js';
import { defineEventFunction } from './event-function.js';
import type { FunctionContext } from './function-context.js';
import { done, reply } from './outcome.js';
import type { Outcome } from './outcome.js';

const ref = { namespace: 'team-a', name: 'ir-1', uid: 'u-1' };
const lines: Array<Record<string, unknown>> = [];
let behaviour: () => Promise<Outcome> = () => Promise.resolve(done('nothing'));
let calls = 0;

const { descriptor, handler, invoke, metrics } = defineEventFunction(
  {
    name: 'probe',
    consumes: [{ type: INTERNAL_REQUEST_ADMITTED, data: InternalRequestRefSchema }] as const,
    emits: [INTERNAL_REQUEST_DELETING],
    handle: () => {
      calls++;
      return behaviour();
    },
  },
  {
    context: () => ({}) as FunctionContext,
    logger: createLogger({}, { write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) }),
  },
);
http('probe', handler);
const server = getTestServer('probe');

function send(event: CloudEvent<unknown> = new CloudEvent({ type: INTERNAL_REQUEST_ADMITTED, source: '/test', data: ref })): request.Test {
  const { headers, body } = HTTP.binary(event);
  return request(server).post('/').set(headers as Record<string, string>).send(String(body));
}

describe('event function wrapper', () => {
  it('describes what the function consumes and emits', () => {
    expect(descriptor).toEqual({ name: 'probe', consumes: [{ type: INTERNAL_REQUEST_ADMITTED }], emits: [INTERNAL_REQUEST_DELETING] });
  });

  it('when the handler has nothing to reply, then 204 and one log line with event, object, outcome, status and duration', async () => {
    behaviour = () => Promise.resolve(done('already completed'));
    lines.length = 0;
    const event = new CloudEvent({ type: INTERNAL_REQUEST_ADMITTED, source: '/test', data: ref });
    await send(event).expect(204);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'info',
      function: 'probe',
      eventId: event.id,
      eventType: INTERNAL_REQUEST_ADMITTED,
      object: 'team-a/ir-1',
      outcome: 'already completed',
      status: 204,
    });
    expect(typeof lines[0]?.durationMs).toBe('number');
  });

  it('when the handler replies, then 200 with the reply as a binary-mode CloudEvent', async () => {
    behaviour = () => Promise.resolve(reply(domainEvent('probe', INTERNAL_REQUEST_DELETING, ref), 'deleting'));
    const res = await send().expect(200);
    expect(res.headers['ce-type']).toBe(INTERNAL_REQUEST_DELETING);
    expect(res.headers['ce-source']).toBe('/internal-services/probe');
    expect(res.headers['ce-subject']).toBe('namespaces/team-a/internalrequests/ir-1');
    expect(JSON.parse(res.text)).toEqual(ref);
  });

  it('when the handler replies with a type it does not declare, then 500', async () => {
    behaviour = () => Promise.resolve(reply(domainEvent('probe', INTERNAL_REQUEST_ADMITTED, ref), 'oops'));
    await send().expect(500);
  });

  it('when the event is malformed, then 400 with the reason and the handler never runs', async () => {
    calls = 0;
    const res = await send(new CloudEvent({ type: INTERNAL_REQUEST_ADMITTED, source: '/test', data: { namespace: 'a' } })).expect(400);
    expect(res.text).toMatch(/data of event type "dev.konflux.internalrequest.admitted.v1" is invalid: name/);
    expect(calls).toBe(0);
  });

  it('when the body is over 4 MiB, then 413 naming the size and the limit, and the handler never runs', async () => {
    calls = 0;
    const { headers } = HTTP.binary(new CloudEvent({ type: INTERNAL_REQUEST_ADMITTED, source: '/test', data: ref }));
    const body = JSON.stringify({ ...ref, padding: 'x'.repeat(MAX_EVENT_BODY_BYTES) });
    const res = await request(server).post('/').set(headers as Record<string, string>).send(body).expect(413);
    expect(res.text).toBe(`the request body has ${Buffer.byteLength(body)} bytes, more than the limit of 4194304 bytes (4 MiB): no event of this system is that large`);
    expect(calls).toBe(0);
  });

  it('when the body is exactly 4 MiB, then it is read as an event like any other', async () => {
    behaviour = () => Promise.resolve(done('ok'));
    const { headers } = HTTP.binary(new CloudEvent({ type: INTERNAL_REQUEST_ADMITTED, source: '/test', data: ref }));
    const prefix = JSON.stringify({ ...ref, padding: '' });
    const body = `${prefix.slice(0, -2)}${'x'.repeat(MAX_EVENT_BODY_BYTES - Buffer.byteLength(prefix))}"}`;
    expect(Buffer.byteLength(body)).toBe(MAX_EVENT_BODY_BYTES);
    await request(server).post('/').set(headers as Record<string, string>).send(body).expect(204);
  });

  it('when a write conflicts once, then the handler runs again, the event succeeds and the log line counts the attempts', async () => {
    calls = 0;
    lines.length = 0;
    behaviour = () => (calls === 1 ? Promise.reject(new ConflictError('changed', 409, 'Conflict')) : Promise.resolve(done('ok')));
    await send().expect(204);
    expect(calls).toBe(2);
    expect(lines[0]).toMatchObject({ attempts: 2, status: 204 });
  });

  it('when writes keep conflicting, then 409 after three runs so the broker retries later', async () => {
    calls = 0;
    behaviour = () => Promise.reject(new ConflictError('changed', 409, 'Conflict'));
    await send().expect(409);
    expect(calls).toBe(3);
  });

  it.each([
    ['the API server throttles', 429, new TooManyRequestsError('slow down', 429, 'TooManyRequests')],
    ['the API server fails', 503, new ServerError('oops', 503, 'ServiceUnavailable')],
    ['the cluster is unreachable', 503, new ClusterUnreachableError('refused')],
    ['something unexpected fails', 500, new TypeError('bug')],
  ])('when %s, then %i with the error message, which the broker retries', async (_case, status, error) => {
    behaviour = () => Promise.reject(error);
    const res = await send().expect(status);
    expect(res.text).toBe(error.message);
  });

  it('when functions-framework serves an event, then the handler runs in no domain, so the process never turns on async hooks for one', async () => {
    let seen: unknown = 'not run';
    behaviour = async () => {
      await Promise.resolve();
      seen = (process as { domain?: unknown }).domain;
      return done('ok');
    };
    await send().expect(204);
    expect(seen ?? undefined).toBeUndefined();
    expect(process.hasUncaughtExceptionCaptureCallback()).toBe(false);
  });

  it('when GET /metrics, then this function\'s Prometheus metrics and the process\'s', async () => {
    const res = await request(server).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0.0.4/);
    expect(res.text).toContain('# TYPE internal_request_attempt_total counter');
    expect(res.text).toMatch(/internal_services_events_total\{function="probe",type="dev.konflux.internalrequest.admitted.v1",status="204"\} \d+/);
    expect(res.text).toContain('# TYPE process_cpu_user_seconds_total counter');
  });

  it('when two functions share a process (as in npm start), then each one\'s GET /metrics shows only its own series', async () => {
    const other = defineEventFunction(
      { name: 'other-probe', consumes: [{ type: INTERNAL_REQUEST_ADMITTED, data: InternalRequestRefSchema }] as const, emits: [], handle: () => Promise.resolve(done('nothing')) },
      { context: () => ({}) as FunctionContext, logger: createLogger({}, { write: () => undefined }) },
    );
    http('other-probe', other.handler);
    const otherServer = getTestServer('other-probe');
    const { headers, body } = HTTP.binary(new CloudEvent({ type: INTERNAL_REQUEST_ADMITTED, source: '/test', data: ref }));
    await request(otherServer).post('/').set(headers as Record<string, string>).send(String(body)).expect(204);
    const eventLines = (text: string): string[] => text.split('\n').filter((line) => line.startsWith('internal_services_events_total{'));
    const ofOther = eventLines((await request(otherServer).get('/metrics').expect(200)).text);
    const ofProbe = eventLines((await request(server).get('/metrics').expect(200)).text);
    expect(ofOther).toEqual([`internal_services_events_total{function="other-probe",type="${INTERNAL_REQUEST_ADMITTED}",status="204"} 1`]);
    expect(ofProbe.length).toBeGreaterThan(0);
    expect(ofProbe.every((line) => line.includes('function="probe"'))).toBe(true);
  });
});

describe('event function wrapper: the in-process door (invoke), as the embedded broker uses it', () => {
  function message(event: CloudEvent<unknown> = new CloudEvent({ type: INTERNAL_REQUEST_ADMITTED, source: '/test', data: ref })): { headers: Record<string, string>; body: string } {
    const { headers, body } = HTTP.binary(event);
    return { headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), String(v)])), body: String(body) };
  }

  async function overHttp(m: { headers: Record<string, string>; body: string }): Promise<{ status: number; headers: Record<string, string>; body: string }> {
    const res = await request(server).post('/').set(m.headers).send(m.body);
    const ce = Object.fromEntries(Object.entries(res.headers).filter(([k]) => k.startsWith('ce-') || k === 'content-type').map(([k, v]) => [k, String(v)]));
    return { status: res.status, headers: ce, body: res.text };
  }

  it.each([
    ['nothing to reply', () => Promise.resolve(done('nothing'))],
    ['a reply', () => Promise.resolve(reply(domainEvent('probe', INTERNAL_REQUEST_DELETING, ref), 'deleting'))],
    ['a conflict every time', () => Promise.reject(new ConflictError('busy', 409, 'Conflict'))],
    ['an unreachable cluster', () => Promise.reject(new ClusterUnreachableError('down'))],
  ])('when the handler has %s, then invoke answers what the HTTP door answers', async (_, outcome) => {
    behaviour = outcome as () => Promise<Outcome>;
    const m = message();
    const direct = await invoke(m);
    const viaHttp = await overHttp(m);
    const same = (headers: Record<string, string>): Record<string, string> => ({
      ...Object.fromEntries(['ce-specversion', 'ce-type', 'ce-source', 'ce-subject'].filter((name) => name in headers).map((name) => [name, headers[name] as string])),
      media: (headers['content-type'] ?? '').split(';')[0] ?? '',
    });
    expect(direct.status).toBe(viaHttp.status);
    expect(direct.body).toBe(viaHttp.body);
    expect(same(direct.headers)).toEqual(same(viaHttp.headers));
  });

  it('when an event is handled through invoke, then it is logged and counted like one over HTTP', async () => {
    behaviour = () => Promise.resolve(done('nothing'));
    lines.length = 0;
    const count = async (): Promise<number> => Number(/internal_services_events_total\{function="probe",type="[^"]+",status="204"\} (\d+)/.exec(await metrics.exposition())?.[1] ?? 0);
    const before = await count();
    await invoke(message());
    expect(await count()).toBe(before + 1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'info', function: 'probe', eventType: INTERNAL_REQUEST_ADMITTED, status: 204, outcome: 'nothing' });
  });

  it('when the message is no valid event, then 400 with the reason, and the handler never runs', async () => {
    calls = 0;
    const answer = await invoke({ headers: { 'ce-specversion': '1.0', 'ce-id': '1', 'ce-type': INTERNAL_REQUEST_ADMITTED, 'content-type': 'application/json' }, body: '{}' });
    expect(answer.status).toBe(400);
    expect(answer.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(answer.body).not.toBe('');
    expect(calls).toBe(0);
  });

  it('when the body is over 4 MiB, then 413, as over HTTP', async () => {
    const answer = await invoke({ ...message(), body: `{"pad":"${'x'.repeat(MAX_EVENT_BODY_BYTES)}"}` });
    expect(answer.status).toBe(413);
  });

  it('when the caller\'s signal aborts before the handler ends, then 504 at once, and the handler\'s cluster calls are bound to that signal', async () => {
    const bound: Array<AbortSignal | undefined> = [];
    const port = (): unknown => ({ withSignal: (signal: AbortSignal) => (bound.push(signal), port()) });
    let finish: () => void = () => undefined;
    const slow = defineEventFunction(
      {
        name: 'slow-probe',
        consumes: [{ type: INTERNAL_REQUEST_ADMITTED, data: InternalRequestRefSchema }] as const,
        emits: [],
        handle: () => new Promise<Outcome>((resolve) => (finish = () => resolve(done('late')))),
      },
      { context: () => ({ remote: port(), internal: port() }) as unknown as FunctionContext, logger: createLogger({}, { write: () => undefined }) },
    );
    const controller = new AbortController();
    const answering = slow.invoke(message(), controller.signal);
    controller.abort(new DOMException('timed out', 'TimeoutError'));
    const answer = await answering;
    finish();
    expect(answer.status).toBe(504);
    expect(bound).toEqual([controller.signal, controller.signal]);
  });
});
