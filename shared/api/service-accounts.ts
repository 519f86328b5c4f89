/**
 * The ServiceAccounts knative/private defines for the system's own workloads in the service namespace.
 * A request may never run its pipeline as one of them: their tokens create, cancel, delete or watch every
 * PipelineRun (and read the config). PipelineRuns run in a namespace of their own (ADR 0011), where none
 * of these accounts exists; the check still holds where PIPELINE_RUN_NAMESPACE is unset and runs share the
 * service namespace. A constant, not a lookup, so that admission makes no extra API call; test/knative
 * holds it equal to the ServiceAccounts the manifests define, so a new workload's account cannot be left out.
 */
export const SYSTEM_SERVICE_ACCOUNTS: readonly string[] = [
  'admission',
  'cleanup',
  'pipelinerun-creator',
  'pipelinerun-source',
  'remote-source',
  'resync',
  'status-relay',
];
