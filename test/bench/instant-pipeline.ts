/**
 * What the bench's requests run: a Pipeline whose one task has no steps. The local runner does for it
 * everything it does for any run (watch, mark Running, resolve the Pipeline, make and remove the run's
 * directories, compute the results, write the final status) except start a process, so the bench
 * measures our code rather than shell start-up. Its `message` result comes from a param, so requests
 * still complete with results to relay.
 */
import { INTERNAL_REQUESTS, apiVersionOf } from '../../shared/api/index.js';

export const TENANT_NAMESPACE = 'default';
export const PIPELINES = { group: 'tekton.dev', version: 'v1', plural: 'pipelines', kind: 'Pipeline' } as const;
/** The label that tells the bench's requests of one phase from any other. */
export const RUN_LABEL = 'bench.internal-services.dev/run';

export const INSTANT_PIPELINE = {
  apiVersion: 'tekton.dev/v1',
  kind: 'Pipeline',
  metadata: { name: 'bench-instant', namespace: TENANT_NAMESPACE },
  spec: {
    params: [{ name: 'who', type: 'string' }],
    tasks: [{ name: 'greet', taskSpec: { steps: [] } }],
    results: [{ name: 'message', value: 'Hello, $(params.who)!' }],
  },
};

export function benchRequest(name: string, run: string): object {
  return {
    apiVersion: apiVersionOf(INTERNAL_REQUESTS),
    kind: INTERNAL_REQUESTS.kind,
    metadata: { name, namespace: TENANT_NAMESPACE, labels: { [RUN_LABEL]: run } },
    spec: {
      pipeline: { pipelineRef: { resolver: 'cluster', params: [{ name: 'name', value: INSTANT_PIPELINE.metadata.name }] } },
      params: { who: 'bench' },
    },
  };
}

/** `/apis/<group>/<version>/namespaces/<namespace>/<plural>` */
export function collectionPath(resource: { group: string; version: string; plural: string }, namespace: string): string {
  return `/apis/${resource.group}/${resource.version}/namespaces/${namespace}/${resource.plural}`;
}
