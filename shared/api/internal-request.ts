import * as z from 'zod';
import { ConditionSchema, DateTimeSchema } from './condition.js';
import { GROUP, VERSION } from './group-version.js';
import { ObjectMetaSchema } from './object-meta.js';
import { DNS_LABEL, NAMESPACED_NAME } from './patterns.js';
import type { ResourceType } from './resource-type.js';

export { GROUP, VERSION };

export const INTERNAL_REQUESTS = {
  group: GROUP,
  version: VERSION,
  plural: 'internalrequests',
  kind: 'InternalRequest',
} as const satisfies ResourceType;

/** A resolver or pipeline parameter: both halves are plain strings. */
export const ParamSchema = z.looseObject({ name: z.string(), value: z.string() });
export type Param = z.infer<typeof ParamSchema>;

/** Tekton `TimeoutFields`: Go duration strings, passed through to the PipelineRun. */
export const TimeoutsSchema = z.looseObject({
  pipeline: z.string().optional(),
  tasks: z.string().optional(),
  finally: z.string().optional(),
});
export type Timeouts = z.infer<typeof TimeoutsSchema>;

export const PipelineRefSchema = z.looseObject({
  resolver: z.string(),
  params: z.array(ParamSchema),
});
export type PipelineRef = z.infer<typeof PipelineRefSchema>;

export const PipelineSchema = z.looseObject({
  pipelineRef: PipelineRefSchema,
  serviceAccountName: z.string().regex(DNS_LABEL).optional(),
  timeouts: TimeoutsSchema.optional(),
  params: z.array(ParamSchema).optional(),
});

export const InternalRequestSpecSchema = z.looseObject({
  pipeline: PipelineSchema,
  params: z.record(z.string(), z.string()).optional(),
  timeouts: TimeoutsSchema.optional(),
  serviceAccount: z.string().regex(DNS_LABEL).optional(),
});
export type InternalRequestSpec = z.infer<typeof InternalRequestSpecSchema>;

export const InternalRequestStatusSchema = z.looseObject({
  startTime: DateTimeSchema.optional(),
  completionTime: DateTimeSchema.optional(),
  pipelineRun: z.string().regex(NAMESPACED_NAME).optional(),
  conditions: z.array(ConditionSchema).optional(),
  results: z.record(z.string(), z.string()).optional(),
});
export type InternalRequestStatus = z.infer<typeof InternalRequestStatusSchema>;

/**
 * An InternalRequest as the API server returns it. `spec` is required here and in our CRD (the reference
 * CRD left it optional, but a request without a pipeline can never run; see ADR 0003).
 */
export const InternalRequestSchema = z.looseObject({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  metadata: ObjectMetaSchema,
  spec: InternalRequestSpecSchema,
  status: InternalRequestStatusSchema.optional(),
});
export type InternalRequest = z.infer<typeof InternalRequestSchema>;
