import * as z from 'zod';
import { ObjectMetaSchema } from './object-meta.js';
import type { ResourceType } from './resource-type.js';

export const PIPELINE_RUNS = {
  group: 'tekton.dev',
  version: 'v1',
  plural: 'pipelineruns',
  kind: 'PipelineRun',
} as const satisfies ResourceType;

/** Tekton v1 result values are strings, arrays or objects; only strings reach the request's status. */
export const ResultValueSchema = z.union([z.string(), z.array(z.unknown()), z.record(z.string(), z.unknown())]);

export const PipelineRunResultSchema = z.looseObject({ name: z.string(), value: ResultValueSchema });

/** knative `apis.Condition`; status is kept a plain string so an unexpected value cannot break parsing. */
export const PipelineRunConditionSchema = z.looseObject({
  type: z.string(),
  status: z.string(),
  reason: z.string().optional(),
  message: z.string().optional(),
  lastTransitionTime: z.string().optional(),
});
export type PipelineRunCondition = z.infer<typeof PipelineRunConditionSchema>;

/** The subset of a PipelineRun the functions read: who it belongs to, whether it is done, its results. */
export const PipelineRunSchema = z.looseObject({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  metadata: ObjectMetaSchema.extend({ uid: z.string().optional() }),
  spec: z.looseObject({ status: z.string().optional() }).optional(),
  status: z
    .looseObject({
      conditions: z.array(PipelineRunConditionSchema).optional(),
      results: z.array(PipelineRunResultSchema).optional(),
      startTime: z.string().optional(),
      completionTime: z.string().optional(),
    })
    .optional(),
});
export type PipelineRun = z.infer<typeof PipelineRunSchema>;

/** `spec.status` value that asks Tekton to stop a run. */
export const PIPELINE_RUN_CANCELLED = 'Cancelled';

export interface PipelineRunParam {
  name: string;
  value: string;
}

/** The PipelineRun the creator writes; built by the core, never parsed. */
export interface PipelineRunManifest {
  apiVersion: 'tekton.dev/v1';
  kind: 'PipelineRun';
  metadata: {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
  };
  spec: {
    pipelineRef: { resolver: string; params: PipelineRunParam[] };
    params: PipelineRunParam[];
    timeouts?: { pipeline?: string; tasks?: string; finally?: string };
    taskRunTemplate?: { serviceAccountName: string };
    workspaces: Array<{
      name: string;
      volumeClaimTemplate: {
        spec: { accessModes: ['ReadWriteOnce']; resources: { requests: { storage: string } } };
      };
    }>;
  };
}
