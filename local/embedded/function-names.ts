/** The Knative Service names of knative/private/functions.yaml, which the Triggers subscribe. */
export const FUNCTION_NAMES = ['admission', 'pipelinerun-creator', 'status-relay', 'cleanup', 'resync'] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];
