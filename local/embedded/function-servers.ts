/**
 * The five functions over HTTP on loopback, in this process: the same handlers Knative serves, each
 * behind functions-framework's own server for its target. The broker of this process skips that hop
 * (ADR 0016): it hands each function the event's message through `invoke`, the door beside the HTTP one.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { invoke as admission } from '../../functions/admission/index.js';
import { invoke as cleanup } from '../../functions/cleanup/index.js';
import '../../functions/index.js';
import { invoke as pipelineRunCreator } from '../../functions/pipelinerun-creator/index.js';
import { invoke as resync } from '../../functions/resync/index.js';
import { invoke as statusRelay } from '../../functions/status-relay/index.js';
import type { EventFunction } from '../../shared/http/index.js';
import { FUNCTION_NAMES } from './function-names.js';
import type { FunctionName } from './function-names.js';
import type { Teardown } from './teardown.js';

export interface FunctionEnvironment {
  remoteKubeconfig: string;
  internalKubeconfig: string;
  /** Where the config is read (SERVICE_NAMESPACE). */
  serviceNamespace: string;
  /** Where PipelineRuns are created and looked for (PIPELINE_RUN_NAMESPACE). */
  pipelineRunNamespace: string;
}

export class FunctionsAlreadyBoundError extends Error {
  override name = 'FunctionsAlreadyBoundError';
}

let boundTo: FunctionEnvironment | undefined;

/**
 * Points the functions at the clusters through the environment they read in production. They build
 * their cluster clients once per process, on the first event, so a process hosts one system only.
 */
export function bindFunctionEnvironment(env: FunctionEnvironment): void {
  if (boundTo) {
    throw new FunctionsAlreadyBoundError(
      `the functions of this process already serve the clusters of ${boundTo.remoteKubeconfig}; start one system per process`,
    );
  }
  boundTo = env;
  Object.assign(process.env, {
    REMOTE_KUBECONFIG: env.remoteKubeconfig,
    KUBECONFIG: env.internalKubeconfig,
    SERVICE_NAMESPACE: env.serviceNamespace,
    PIPELINE_RUN_NAMESPACE: env.pipelineRunNamespace,
  });
}

/** The broker's ingress, where the resync sweep posts its events: in a cluster its SinkBinding sets K_SINK. */
export function bindEventSink(brokerIngress: string): void {
  process.env.K_SINK = brokerIngress;
}

async function listen(server: Server, port: number): Promise<string> {
  await new Promise<void>((ready, fail) => server.once('error', fail).listen(port, '127.0.0.1', ready));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

function close(server: Server): Promise<void> {
  return new Promise((done) => {
    server.closeAllConnections();
    server.close(() => done());
  });
}

const INVOKERS: Record<FunctionName, EventFunction['invoke']> = {
  admission,
  'pipelinerun-creator': pipelineRunCreator,
  'status-relay': statusRelay,
  cleanup,
  resync,
};

/** Each function, by the URL this process serves it at, for a caller in this process (the broker). */
export function functionsInProcess(urls: Readonly<Record<FunctionName, string>>): Map<string, EventFunction['invoke']> {
  return new Map(FUNCTION_NAMES.map((name) => [urls[name], INVOKERS[name]]));
}

/** Serves each function on its port (0 = a free one); returns name → URL. */
export async function serveFunctions(teardown: Teardown, ports: Record<FunctionName, number>): Promise<Record<FunctionName, string>> {
  const urls: Partial<Record<FunctionName, string>> = {};
  for (const name of FUNCTION_NAMES) {
    const server = getTestServer(name);
    urls[name] = await listen(server, ports[name]);
    teardown.add(`function ${name}`, () => close(server));
  }
  return urls as Record<FunctionName, string>;
}
