import { KubeConfig } from '@kubernetes/client-node';
import type { ApiServer } from '../../../local/apiserver/index.js';
import type { KubeClusterOptions } from '../../kube/kube-cluster.js';
import { createClusterPort } from '../../../shared/kube/client-port.js';
import type { ClusterPort } from '../../../shared/kube/port.js';
import { startTestApiServer } from '../../support/test-api-server.js';

export interface TestCluster {
  server: ApiServer;
  kc: KubeConfig;
  port: ClusterPort;
}

/** An API server (local, or real with TEST_CLUSTER=kube) with the InternalRequest and Tekton CRDs, a `tenant` namespace, and a client. */
export async function startTestCluster(options: KubeClusterOptions = {}): Promise<TestCluster> {
  const server = await startTestApiServer({
    name: 'public',
    crdFiles: ['knative/crds/internalrequests.yaml', 'local/crds/tekton.yaml'],
    namespaces: ['tenant'],
    ...options,
  });
  const kc = new KubeConfig();
  kc.loadFromString(server.kubeconfig());
  return { server, kc, port: createClusterPort(kc, server.name) };
}

export function internalRequest(name: string, namespace = 'tenant'): object {
  return {
    apiVersion: 'appstudio.redhat.com/v1alpha1',
    kind: 'InternalRequest',
    metadata: { name, namespace },
    spec: { pipeline: { pipelineRef: { resolver: 'cluster', params: [{ name: 'name', value: 'hello' }] } } },
  };
}

/** A wait the test opens by hand: the code under test blocks in it until `open()`. */
export class Gate {
  private release: () => void = () => undefined;
  private readonly opened = new Promise<void>((resolve) => (this.release = resolve));
  private markEntered: () => void = () => undefined;
  /** Resolves once something waits at the gate. */
  readonly entered = new Promise<void>((resolve) => (this.markEntered = resolve));

  wait(): Promise<void> {
    this.markEntered();
    return this.opened;
  }

  open(): void {
    this.release();
  }
}

/** Waits until `condition` holds, failing with `what` after `ms`. */
export async function eventually(condition: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
