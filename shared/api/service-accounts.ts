/**
 * The ServiceAccounts knative/private defines for the system's own workloads in the service namespace,
 * where PipelineRuns run too. A request may never run its pipeline as one of them: their tokens create,
 * cancel, delete or watch every PipelineRun (and read the config). A constant, not a lookup, so that
 * admission makes no extra API call; test/knative holds it equal to the ServiceAccounts the manifests
 * define, so a new workload's account cannot be left out.
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
