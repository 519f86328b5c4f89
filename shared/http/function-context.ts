import { createConfigLoader, serviceSettingsFromEnv } from '../config/index.js';
import type { ConfigLoader, ServiceSettings } from '../config/index.js';
import { clusterPortsFromEnv } from '../kube/index.js';
import type { ClusterPort } from '../kube/index.js';
import type { ServiceMetrics } from '../observability/index.js';

/** What the functions of a process share: the two clusters, the config, the settings and a clock. */
export interface ProcessContext {
  remote: ClusterPort;
  internal: ClusterPort;
  config: ConfigLoader;
  settings: ServiceSettings;
  now: () => Date;
}

/** What a handler may use besides its event: the process's context and its own function's metrics. */
export interface FunctionContext extends ProcessContext {
  metrics: ServiceMetrics;
}

let processContext: ProcessContext | undefined;

/** Built on the first event and kept for the life of the process (clients and config cache are reused). */
export function contextFromEnv(env: NodeJS.ProcessEnv = process.env): ProcessContext {
  if (processContext) return processContext;
  const settings = serviceSettingsFromEnv(env);
  const { remote, internal } = clusterPortsFromEnv(env);
  const config = createConfigLoader({ port: internal, namespace: settings.serviceNamespace, ttlMs: settings.configTtlMs });
  processContext = { remote, internal, config, settings, now: () => new Date() };
  return processContext;
}
