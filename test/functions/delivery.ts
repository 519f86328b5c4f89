import { HTTP } from 'cloudevents';
import type { CloudEvent } from 'cloudevents';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import request from 'supertest';
import type { ApiServer } from '../../local/apiserver/index.js';
import { INTERNAL_REQUESTS, PIPELINE_RUNS } from '../../shared/api/index.js';
import { resourceEvent } from '../../shared/events/index.js';
import type { KubeObjectLike } from '../../shared/events/index.js';
import type { Clusters } from './clusters.js';

export type Mode = 'binary' | 'structured';

export interface Delivery {
  status: number;
  text: string;
  /** The reply event of a 200, as the broker would read it. */
  reply: CloudEvent<unknown> | undefined;
}

export function encode(event: CloudEvent<unknown>, mode: Mode): { headers: Record<string, string>; body: string } {
  const message = mode === 'binary' ? HTTP.binary(event) : HTTP.structured(event);
  return { headers: message.headers as Record<string, string>, body: message.body === undefined ? '' : String(message.body) };
}

/** POSTs raw headers and body to a function, as a broker would. */
export async function post(functionName: string, headers: Record<string, string>, body: string): Promise<Delivery> {
  const res = await request(getTestServer(functionName)).post('/').set(headers).send(body);
  const reply = res.status === 200 ? (HTTP.toEvent({ headers: res.headers, body: res.text }) as CloudEvent<unknown>) : undefined;
  return { status: res.status, text: res.text, reply };
}

export function deliver(functionName: string, event: CloudEvent<unknown>, mode: Mode = 'binary'): Promise<Delivery> {
  const { headers, body } = encode(event, mode);
  return post(functionName, headers, body);
}

/** The event ApiServerSource would send for an object of the public (InternalRequest) or internal cluster (on delete: its last state). */
export function objectEvent(verb: 'add' | 'update' | 'delete', object: unknown, server: ApiServer): CloudEvent<unknown> {
  const kube = object as KubeObjectLike;
  const plural = kube.kind === PIPELINE_RUNS.kind ? PIPELINE_RUNS.plural : INTERNAL_REQUESTS.plural;
  return resourceEvent(verb, kube, { source: server.url, plural });
}

/** Requests both servers received while `run` ran, by `<cluster> <verb> <resource>`. */
export async function countCalls<T>(clusters: Clusters, run: () => Promise<T>): Promise<{ result: T; calls: Record<string, number> }> {
  const before = callTable(clusters);
  const result = await run();
  const after = callTable(clusters);
  const calls: Record<string, number> = {};
  for (const [key, count] of Object.entries(after)) {
    const delta = count - (before[key] ?? 0);
    if (delta > 0) calls[key] = delta;
  }
  return { result, calls };
}

function callTable(clusters: Clusters): Record<string, number> {
  const table: Record<string, number> = {};
  for (const server of [clusters.publicServer, clusters.internalServer]) {
    for (const { verb, resource, count } of server.requests.snapshot()) table[`${server.name} ${verb} ${resource}`] = count;
  }
  return table;
}

export function total(calls: Record<string, number>): number {
  return Object.values(calls).reduce((a, b) => a + b, 0);
}
