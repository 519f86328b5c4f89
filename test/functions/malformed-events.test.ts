import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CloudEvent } from 'cloudevents';
import '../../functions/index.js';
import {
  INTERNAL_REQUEST_ADMITTED,
  INTERNAL_REQUEST_COMPLETED,
  INTERNAL_REQUEST_DELETING,
  RESOURCE_ADD,
  RESOURCE_UPDATE,
} from '../../shared/events/index.js';
import { MAX_EVENT_BODY_BYTES } from '../../shared/http/index.js';
import { TENANT, countCalls, createRequest, deliver, encode, post, readRequest, setConfig, startClusters, total } from './harness.js';
import type { Clusters, Delivery, Mode } from './harness.js';

let clusters: Clusters;

beforeAll(async () => {
  clusters = await startClusters();
  await setConfig(clusters, { allowList: [TENANT] });
});
afterAll(() => clusters.stop());

interface Target {
  name: string;
  /** A type and kind the function consumes, so only the data are wrong. */
  type: string;
  kind?: string;
  /** Data of the right shape but failing the schema, and the problem the message must name. */
  badData: object;
  problem: RegExp;
}

const targets: Target[] = [
  { name: 'admission', type: RESOURCE_ADD, kind: 'InternalRequest', badData: { kind: 'InternalRequest', metadata: { name: 'x' } }, problem: /metadata\.namespace/ },
  { name: 'pipelinerun-creator', type: INTERNAL_REQUEST_ADMITTED, badData: { namespace: TENANT, name: 'x' }, problem: /uid/ },
  { name: 'status-relay', type: RESOURCE_UPDATE, kind: 'PipelineRun', badData: { kind: 'PipelineRun', metadata: {} }, problem: /metadata\.name/ },
  { name: 'cleanup', type: INTERNAL_REQUEST_COMPLETED, badData: { namespace: TENANT, name: 'x', uid: 'u', pipelineRun: 'no-slash' }, problem: /pipelineRun/ },
];

function event(target: Target, attributes: Record<string, unknown>): CloudEvent<unknown> {
  return new CloudEvent<unknown>({ type: target.type, source: '/test', ...(target.kind ? { kind: target.kind } : {}), ...attributes });
}

interface Case {
  what: string;
  send(target: Target, mode: Mode): Promise<Delivery>;
  message(target: Target): RegExp;
}

const cases: Case[] = [
  {
    what: 'no data',
    send: (t, mode) => deliver(t.name, event(t, {}), mode),
    message: () => /has no data/,
  },
  {
    what: 'a type the function does not consume',
    send: (t, mode) => deliver(t.name, event(t, { type: 'com.example.unrelated', data: { namespace: TENANT, name: 'x', uid: 'u' } }), mode),
    message: () => /event type "com.example.unrelated" is not accepted/,
  },
  {
    what: 'a domain event type another function consumes',
    send: (t, mode) => deliver(t.name, event(t, { type: t.name === 'cleanup' ? INTERNAL_REQUEST_ADMITTED : INTERNAL_REQUEST_DELETING, data: {} }), mode),
    message: () => /is not accepted/,
  },
  {
    what: 'invalid JSON',
    send: (t, mode) => {
      const { headers } = encode(event(t, { data: {} }), mode);
      return post(t.name, headers, '{"metadata": {');
    },
    message: () => /JSON/,
  },
  {
    what: 'data failing the schema',
    send: (t, mode) => deliver(t.name, event(t, { data: t.badData }), mode),
    message: (t) => t.problem,
  },
  {
    what: 'no CloudEvent attributes at all',
    send: (t, mode) =>
      mode === 'binary'
        ? post(t.name, { 'content-type': 'application/json' }, '{}')
        : post(t.name, { 'content-type': 'application/cloudevents+json' }, '{"data": {}}'),
    message: () => /CloudEvent: .*(cloud event|required property)/,
  },
];

const table = targets.flatMap((target) =>
  cases.flatMap((c) => (['binary', 'structured'] as const).map((mode) => ({ fn: target.name, what: c.what, mode, target, c }))),
);

describe('malformed events', () => {
  it.each(table)('when $fn receives $what ($mode), then 400 naming the problem and no API request at all', async ({ target, c, mode }) => {
    const { result, calls } = await countCalls(clusters, () => c.send(target, mode));
    expect(result.status).toBe(400);
    expect(result.text).toMatch(c.message(target));
    expect(total(calls)).toBe(0);
  });

  it.each([...targets.map((t) => t.name), 'resync'])('when %s receives a body over 4 MiB, then 413 naming the size and the limit, and no API request at all', async (fn) => {
    const body = JSON.stringify({ namespace: TENANT, name: 'x', uid: 'u', padding: 'x'.repeat(MAX_EVENT_BODY_BYTES) });
    const headers = { 'ce-id': '1', 'ce-specversion': '1.0', 'ce-source': '/test', 'ce-type': INTERNAL_REQUEST_ADMITTED, 'content-type': 'application/json' };
    const { result, calls } = await countCalls(clusters, () => post(fn, headers, body));
    expect(result.status).toBe(413);
    expect(result.text).toBe(`the request body has ${Buffer.byteLength(body)} bytes, more than the limit of 4194304 bytes (4 MiB): no event of this system is that large`);
    expect(total(calls)).toBe(0);
  });

  it('when an event about an object of another kind reaches admission, then 400 and the object is untouched', async () => {
    const ir = await createRequest(clusters, 'untouched');
    const asPipelineRun = new CloudEvent<unknown>({ type: RESOURCE_ADD, source: '/test', kind: 'PipelineRun', data: ir });
    const { result, calls } = await countCalls(clusters, () => deliver('admission', asPipelineRun));
    expect(result.status).toBe(400);
    expect(result.text).toMatch(/kind "PipelineRun", not InternalRequest/);
    expect(total(calls)).toBe(0);
    expect((await readRequest(clusters, ir))?.metadata.resourceVersion).toBe(ir.metadata.resourceVersion);
  });
});
