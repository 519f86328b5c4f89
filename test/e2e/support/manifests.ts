/** Objects the scenarios create with `kubectl create -f -`: requests and one-step script Pipelines. */
import { INTERNAL_REQUESTS } from '../../../shared/api/index.js';

const API_VERSION = `${INTERNAL_REQUESTS.group}/${INTERNAL_REQUESTS.version}`;

/** A request for the internal Pipeline `pipeline`, through the cluster resolver as the example does. */
export function internalRequest(namespace: string, name: string, pipeline: string, params: Record<string, string> = {}): string {
  return JSON.stringify({
    apiVersion: API_VERSION,
    kind: INTERNAL_REQUESTS.kind,
    metadata: { namespace, name },
    spec: { pipeline: { pipelineRef: { resolver: 'cluster', params: [{ name: 'name', value: pipeline }] } }, params },
  });
}

/** A Pipeline in `namespace` of the internal cluster whose one task runs `script` with sh. */
export function scriptPipeline(namespace: string, name: string, script: string): string {
  return JSON.stringify({
    apiVersion: 'tekton.dev/v1',
    kind: 'Pipeline',
    metadata: { namespace, name },
    spec: { tasks: [{ name: 'work', taskSpec: { steps: [{ name: 'run', image: 'registry.access.redhat.com/ubi9/ubi-minimal', script }] } }] },
  });
}
