/**
 * Builders of valid objects for tests: a test states only what matters to it. Not part of the runtime
 * API (nothing in shared/ imports this file).
 */
import { INTERNAL_REQUESTS } from './internal-request.js';
import { InternalRequestSchema } from './internal-request.js';
import type { InternalRequest, InternalRequestSpec, InternalRequestStatus } from './internal-request.js';
import { InternalServicesConfigSpecSchema } from './internal-services-config.js';
import type { InternalServicesConfigSpec } from './internal-services-config.js';
import type { ObjectMeta } from './object-meta.js';
import { PipelineRunSchema } from './pipeline-run.js';
import type { PipelineRun } from './pipeline-run.js';
import { apiVersionOf } from './resource-type.js';

export const REQUEST_UID = '0b6a1f1e-4c1d-4a4b-9a7e-1d2c3b4a5f60';

export interface RequestParts {
  metadata?: Partial<ObjectMeta>;
  spec?: Partial<InternalRequestSpec>;
  status?: InternalRequestStatus;
}

/** A request from namespace `tenant` for the cluster Pipeline `hello`, parsed like one from the server. */
export function anInternalRequest(parts: RequestParts = {}): InternalRequest {
  return InternalRequestSchema.parse({
    apiVersion: apiVersionOf(INTERNAL_REQUESTS),
    kind: INTERNAL_REQUESTS.kind,
    metadata: { name: 'hello', namespace: 'tenant', uid: REQUEST_UID, resourceVersion: '7', generation: 1, ...parts.metadata },
    spec: {
      pipeline: { pipelineRef: { resolver: 'cluster', params: [{ name: 'name', value: 'hello' }] } },
      ...parts.spec,
    },
    ...(parts.status === undefined ? {} : { status: parts.status }),
  });
}

/** A config that admits namespace `tenant` and otherwise has the defaults. */
export function aConfigSpec(spec: Partial<InternalServicesConfigSpec> = {}): InternalServicesConfigSpec {
  return InternalServicesConfigSpecSchema.parse({ allowList: ['tenant'], ...spec });
}

export interface RunParts {
  name?: string;
  labels?: Record<string, string>;
  specStatus?: string;
  condition?: { status: string; reason?: string; message?: string };
  results?: Array<{ name: string; value: unknown }>;
  completionTime?: string;
}

/** The PipelineRun of `anInternalRequest()` in namespace `internal-services`. */
export function aPipelineRun(parts: RunParts = {}): PipelineRun {
  const { condition, results, completionTime } = parts;
  return PipelineRunSchema.parse({
    apiVersion: 'tekton.dev/v1',
    kind: 'PipelineRun',
    metadata: {
      name: parts.name ?? `internalrequest-${REQUEST_UID}`,
      namespace: 'internal-services',
      uid: 'run-uid',
      resourceVersion: '3',
      labels: parts.labels ?? {
        'internal-services.appstudio.openshift.io/name': 'hello',
        'internal-services.appstudio.openshift.io/namespace': 'tenant',
      },
    },
    spec: parts.specStatus === undefined ? {} : { status: parts.specStatus },
    status: {
      ...(condition === undefined ? {} : { conditions: [{ type: 'Succeeded', ...condition }] }),
      ...(results === undefined ? {} : { results }),
      ...(completionTime === undefined ? {} : { completionTime }),
    },
  });
}
