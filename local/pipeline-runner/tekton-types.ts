import { z } from 'zod';

/**
 * The part of Tekton v1 Pipelines and PipelineRuns the local runner executes. Loose objects: any other
 * field is ignored (e.g. `image`, which the runner does not use), except features that would change
 * what runs: those fail the run with a message instead of being silently skipped.
 */
const unsupported = (feature: string) =>
  z.never({ error: `${feature} are not supported by the local pipeline runner` }).optional();
const ParamSchema = z.looseObject({ name: z.string(), value: z.unknown() });
const ParamSpecSchema = z.looseObject({ name: z.string(), default: z.unknown().optional() });

export const StepSchema = z.looseObject({
  name: z.string().optional(),
  script: z.string().optional(),
  command: z.array(z.string()).optional(),
  args: z.array(z.string()).optional(),
  env: z.array(z.looseObject({ name: z.string(), value: z.string().optional() })).optional(),
});

export const TaskSpecSchema = z.looseObject({
  params: z.array(ParamSpecSchema).optional(),
  results: z.array(z.looseObject({ name: z.string() })).optional(),
  steps: z.array(StepSchema).default([]),
  workspaces: z.array(z.looseObject({ name: z.string() })).optional(),
  sidecars: unsupported('sidecars'),
});

/** `pipelineRef` / `taskRef`: a name in the run's namespace, or a resolver with its params. */
export const RefSchema = z.looseObject({
  name: z.string().optional(),
  kind: z.string().optional(),
  resolver: z.string().optional(),
  params: z.array(ParamSchema).optional(),
});

export const PipelineTaskSchema = z.looseObject({
  name: z.string(),
  runAfter: z.array(z.string()).optional(),
  params: z.array(ParamSchema).optional(),
  taskSpec: TaskSpecSchema.optional(),
  taskRef: RefSchema.optional(),
  when: unsupported('when expressions'),
  workspaces: z.array(z.looseObject({ name: z.string(), workspace: z.string().optional() })).optional(),
});

export const PipelineSpecSchema = z.looseObject({
  params: z.array(ParamSpecSchema).optional(),
  tasks: z.array(PipelineTaskSchema).default([]),
  finally: z.array(PipelineTaskSchema).optional(),
  results: z.array(z.looseObject({ name: z.string(), value: z.unknown() })).optional(),
  workspaces: z.array(z.looseObject({ name: z.string() })).optional(),
});

export const PipelineRunSpecSchema = z.looseObject({
  pipelineRef: RefSchema.optional(),
  pipelineSpec: z.unknown().optional(),
  params: z.array(ParamSchema).optional(),
  timeouts: z.looseObject({ pipeline: z.string().optional() }).optional(),
  status: z.string().optional(),
});

export type Step = z.infer<typeof StepSchema>;
export type TaskSpec = z.infer<typeof TaskSpecSchema>;
export type PipelineTask = z.infer<typeof PipelineTaskSchema>;
export type PipelineSpec = z.infer<typeof PipelineSpecSchema>;
export type PipelineRunSpec = z.infer<typeof PipelineRunSpecSchema>;
export type Param = z.infer<typeof ParamSchema>;
export type Ref = z.infer<typeof RefSchema>;

/** The PipelineRun as it arrives from the watch: identity plus an unparsed spec and status. */
export interface PipelineRunObject {
  metadata: { name: string; namespace: string; uid: string; resourceVersion?: string };
  spec?: unknown;
  status?: { startTime?: string; conditions?: Array<{ type?: string; status?: string }> };
}
