import { describe, expect, it } from '@jest/globals';
import { CloudEvent, HTTP } from 'cloudevents';
import { z } from 'zod';
import {
  CompletedDataSchema,
  INTERNAL_REQUEST_ADMITTED,
  INTERNAL_REQUEST_COMPLETED,
  InternalRequestRefSchema,
  MalformedEventError,
  RESOURCE_UPDATE,
  acceptEvent,
  domainEvent,
  parseCloudEvent,
  resourceEvent,
  toBinaryMessage,
} from './index.js';

const ref = { namespace: 'team-a', name: 'ir-1', uid: '5f1c2b7e-0000-4000-8000-000000000001' };
const admitted = new CloudEvent({ type: INTERNAL_REQUEST_ADMITTED, source: '/test', data: ref });

function malformed(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(MalformedEventError);
    return (err as Error).message;
  }
  throw new Error('expected a MalformedEventError');
}

describe('parseCloudEvent', () => {
  it('when an event arrives in binary mode, then its attributes and JSON data are read', () => {
    const { headers, body } = HTTP.binary(admitted);
    const event = parseCloudEvent({ headers, body: String(body) });
    expect(event).toMatchObject({ id: admitted.id, type: INTERNAL_REQUEST_ADMITTED, source: '/test', data: ref });
  });

  it('when an event arrives in structured mode, then it is read the same way', () => {
    const { headers, body } = HTTP.structured(admitted);
    expect(parseCloudEvent({ headers, body: String(body) })).toMatchObject({ id: admitted.id, data: ref });
  });

  it('when the request is no CloudEvent, then the message says so', () => {
    expect(malformed(() => parseCloudEvent({ headers: { 'content-type': 'application/json' }, body: '{}' }))).toMatch(/not a CloudEvent/);
  });

  it('when a binary event lacks ce-source, then the message names the missing attribute', () => {
    const headers = { 'ce-id': '1', 'ce-specversion': '1.0', 'ce-type': 't', 'content-type': 'application/json' };
    expect(malformed(() => parseCloudEvent({ headers, body: '{}' }))).toMatch(/source/);
  });

  it('when the body is not valid JSON, then the message says invalid JSON', () => {
    const headers = { 'ce-id': '1', 'ce-specversion': '1.0', 'ce-source': '/s', 'ce-type': 't', 'content-type': 'application/json' };
    expect(malformed(() => parseCloudEvent({ headers, body: '{bad' }))).toMatch(/^invalid JSON: /);
  });

  it.each<{ name: string; event: CloudEvent<unknown> }>([
    { name: 'a domain event', event: admitted },
    { name: 'an event with application/json data, a subject and extensions', event: new CloudEvent({ type: RESOURCE_UPDATE, source: 'https://10.96.0.1:443', subject: '/apis/tekton.dev/v1/namespaces/ns/pipelineruns/r', datacontenttype: 'application/json', kind: 'PipelineRun', name: 'r', namespace: 'ns', data: { kind: 'PipelineRun', metadata: { name: 'r' } } }) },
    { name: 'an event with a dataschema and a time to normalise', event: new CloudEvent({ type: 't', source: '/s', time: '2025-01-02T03:04:05+01:00', dataschema: 'https://example.com/s', data: { a: [1, 'b', null] } }) },
  ])('when $name arrives in binary mode, then it reads exactly as the SDK reads it', ({ event }) => {
    const { headers, body } = HTTP.binary(event);
    const ours = parseCloudEvent({ headers, body: String(body) });
    const sdks = HTTP.toEvent({ headers, body: String(body) }) as CloudEvent<unknown>;
    expect(ours.toJSON()).toEqual(sdks.toJSON());
    expect(Object.isFrozen(ours)).toBe(true);
  });

  it('when the JSON body comes already parsed (functions-framework parses application/json), then the raw body is never read', () => {
    const { headers } = HTTP.binary(admitted);
    const message = {
      headers,
      get body(): unknown {
        throw new Error('the raw body was read');
      },
      json: { ...ref },
    };
    expect(parseCloudEvent(message)).toMatchObject({ id: admitted.id, data: ref });
  });

  it('when a batch arrives, then it is refused', () => {
    const body = JSON.stringify([admitted.toJSON()]);
    expect(malformed(() => parseCloudEvent({ headers: { 'content-type': 'application/cloudevents-batch+json' }, body }))).toMatch(/batch/);
  });
});

describe('acceptEvent', () => {
  const specs = [
    { type: INTERNAL_REQUEST_ADMITTED, data: InternalRequestRefSchema },
    { type: RESOURCE_UPDATE, kind: 'PipelineRun', data: z.object({ kind: z.string() }) },
  ] as const;

  it('when the type is consumed and the data match, then the event comes back typed and validated', () => {
    const received = acceptEvent(admitted, specs);
    expect(received).toEqual({ id: admitted.id, type: INTERNAL_REQUEST_ADMITTED, source: '/test', subject: undefined, data: ref });
  });

  it.each([
    ['a type nobody consumes', new CloudEvent({ type: 'com.example.other', source: '/s', data: ref }), /"com.example.other" is not accepted/],
    ['no data', new CloudEvent({ type: INTERNAL_REQUEST_ADMITTED, source: '/s' }), /has no data/],
    ['data that are no object', new CloudEvent({ type: INTERNAL_REQUEST_ADMITTED, source: '/s', data: 'text' }), /not a JSON object/],
    ['data failing the schema', new CloudEvent({ type: INTERNAL_REQUEST_ADMITTED, source: '/s', data: { namespace: 'a' } }), /invalid: name: .*; uid: /],
    ['a resource event of another kind', new CloudEvent({ type: RESOURCE_UPDATE, source: '/s', kind: 'Pod', data: { kind: 'Pod' } }), /kind "Pod", not PipelineRun/],
  ])('when an event has %s, then it is malformed', (_case, event, message) => {
    expect(malformed(() => acceptEvent(event as CloudEvent<unknown>, specs))).toMatch(message);
  });
});

describe('domain events', () => {
  it('when a function replies, then source names the function and subject the request', () => {
    const event = domainEvent('status-relay', INTERNAL_REQUEST_COMPLETED, { ...ref, pipelineRun: 'svc/internalrequest-x' });
    expect(event).toMatchObject({ source: '/internal-services/status-relay', subject: 'namespaces/team-a/internalrequests/ir-1' });
    expect(CompletedDataSchema.parse(event.data)).toEqual(event.data);
  });

  it('when a reply is encoded, then it is binary mode: attributes in ce- headers, data as the JSON body', () => {
    const { headers, body } = toBinaryMessage(domainEvent('admission', INTERNAL_REQUEST_ADMITTED, ref));
    expect(headers).toMatchObject({ 'ce-type': INTERNAL_REQUEST_ADMITTED, 'ce-source': '/internal-services/admission', 'content-type': 'application/json' });
    expect(JSON.parse(body)).toEqual(ref);
  });
});

describe('resourceEvent', () => {
  it('when built for an object, then it has the ApiServerSource Resource-mode shape', () => {
    const pr = { apiVersion: 'tekton.dev/v1', kind: 'PipelineRun', metadata: { name: 'run-1', namespace: 'svc' } };
    const event = resourceEvent('update', pr, { source: 'https://10.96.0.1:443', plural: 'pipelineruns' });
    expect(event).toMatchObject({
      type: 'dev.knative.apiserver.resource.update',
      source: 'https://10.96.0.1:443',
      subject: '/apis/tekton.dev/v1/namespaces/svc/pipelineruns/run-1',
      kind: 'PipelineRun',
      apiversion: 'tekton.dev/v1',
      name: 'run-1',
      namespace: 'svc',
      data: pr,
    });
  });
});
