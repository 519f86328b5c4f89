import { createConfigLoader, serviceSettingsFromEnv } from '../config/index.js';
import type { ConfigLoader, ServiceSettings } from '../config/index.js';
import { clusterPortsFromEnv } from '../kube/index.js';
import type { ClusterPort } from '../kube/index.js';

/** What a handler may use besides its event: the two clusters, the config, the settings and a clock. */
export interface FunctionContext {
  remote: ClusterPort;
  internal: ClusterPort;
  config: ConfigLoader;
  settings: ServiceSettings;
  now: () => Date;
}

let processContext: FunctionContext | undefined;

/** Built on the first event and kept for the life of the process (clients and config cache are reused). */
export function contextFromEnv(env: NodeJS.ProcessEnv = process.env): FunctionContext {
  if (processContext) return processContext;
  const settings = serviceSettingsFromEnv(env);
  const { remote, internal } = clusterPortsFromEnv(env);
  const config = createConfigLoader({ port: internal, namespace: settings.serviceNamespace, ttlMs: settings.configTtlMs });
  processContext = { remote, internal, config, settings, now: () => new Date() };
  return processContext;
}
