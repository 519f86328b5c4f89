import * as z from 'zod';

const name = z.string().min(1);

/** Data of `admitted.v1` and `deleting.v1`: which InternalRequest, and which incarnation of that name. */
export const InternalRequestRefSchema = z.object({ namespace: name, name, uid: name });
export type InternalRequestRef = z.infer<typeof InternalRequestRefSchema>;

/** Data of `completed.v1`: the request plus its PipelineRun as `<namespace>/<name>`. */
export const CompletedDataSchema = InternalRequestRefSchema.extend({
  pipelineRun: z.string().regex(/^[^/\s]+\/[^/\s]+$/, 'must be "<namespace>/<name>"'),
});
export type CompletedData = z.infer<typeof CompletedDataSchema>;

/** Data of a ping: the PingSource's `spec.data` (`{}` in knative/private); nothing in it is read. */
export const PingDataSchema = z.looseObject({});
