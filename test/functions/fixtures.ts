import { CONFIG_NAME, INTERNAL_REQUESTS, INTERNAL_SERVICES_CONFIGS, PIPELINE_RUNS } from '../../shared/api/index.js';
import type { InternalRequest, PipelineRun } from '../../shared/api/index.js';
import { PIPELINE_RUN_NAMESPACE, SERVICE_NAMESPACE, TENANT } from './clusters.js';
import type { Clusters } from './clusters.js';

export async function setConfig(clusters: Clusters, spec: object): Promise<void> {
  await clusters.internal.delete(INTERNAL_SERVICES_CONFIGS, SERVICE_NAMESPACE, CONFIG_NAME);
  await clusters.internal.create(INTERNAL_SERVICES_CONFIGS, SERVICE_NAMESPACE, {
    apiVersion: 'appstudio.redhat.com/v1alpha1',
    kind: 'InternalServicesConfig',
    metadata: { name: CONFIG_NAME, namespace: SERVICE_NAMESPACE },
    spec,
  });
}

export const ALLOWED_GIT_URL = 'https://github.com/example/release-catalog.git';

export function requestManifest(name: string, namespace = TENANT, pipelineRef?: object): object {
  return {
    apiVersion: 'appstudio.redhat.com/v1alpha1',
    kind: 'InternalRequest',
    metadata: { name, namespace, labels: { 'internal-services.appstudio.openshift.io/pipeline-name': 'push-artifacts' } },
    spec: {
      pipeline: {
        pipelineRef: pipelineRef ?? {
          resolver: 'git',
          params: [
            { name: 'url', value: ALLOWED_GIT_URL },
            { name: 'revision', value: 'main' },
            { name: 'pathInRepo', value: 'pipelines/push-artifacts/push-artifacts.yaml' },
          ],
        },
      },
      params: { snapshot: 'snapshot-1' },
    },
  };
}

export async function createRequest(clusters: Clusters, name: string, namespace = TENANT, pipelineRef?: object): Promise<InternalRequest> {
  return clusters.remote.create<InternalRequest>(INTERNAL_REQUESTS, namespace, requestManifest(name, namespace, pipelineRef));
}

export async function readRequest(clusters: Clusters, ir: InternalRequest): Promise<InternalRequest | undefined> {
  return clusters.remote.get<InternalRequest>(INTERNAL_REQUESTS, ir.metadata.namespace, ir.metadata.name);
}

export function runName(ir: InternalRequest): string {
  return `internalrequest-${ir.metadata.uid}`;
}

export async function readRun(clusters: Clusters, ir: InternalRequest): Promise<PipelineRun | undefined> {
  return clusters.internal.get<PipelineRun>(PIPELINE_RUNS, PIPELINE_RUN_NAMESPACE, runName(ir));
}

/** What Tekton writes while a run goes, and when it ends. */
export async function setRunStatus(
  clusters: Clusters,
  ir: InternalRequest,
  state: { status: 'Unknown' | 'True' | 'False'; reason: string; message?: string; results?: Array<{ name: string; value: unknown }> },
): Promise<PipelineRun> {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const done = state.status !== 'Unknown';
  const status = {
    startTime: now,
    conditions: [{ type: 'Succeeded', status: state.status, reason: state.reason, message: state.message ?? '', lastTransitionTime: now }],
    ...(done ? { completionTime: now, results: state.results ?? [] } : {}),
  };
  return clusters.internal.patchStatus<PipelineRun>(PIPELINE_RUNS, PIPELINE_RUN_NAMESPACE, runName(ir), { merge: { status } });
}

