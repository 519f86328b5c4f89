/** Settings every function reads from its environment (the table in docs/operate.md, "Configuration"). */
export interface ServiceSettings {
  /** Where the system lives: the `config` object is read here (SERVICE_NAMESPACE). */
  serviceNamespace: string;
  /**
   * Where PipelineRuns are created, looked up, listed, cancelled and deleted (PIPELINE_RUN_NAMESPACE).
   * Unset, it is the service namespace, as before the setting existed: tenants' runs then share a
   * namespace with the system's ServiceAccounts and Secrets, so there is no isolation (ADR 0011).
   */
  pipelineRunNamespace: string;
  /** How long a loaded InternalServicesConfig is trusted before it is read again. */
  configTtlMs: number;
}

export const DEFAULT_SERVICE_NAMESPACE = 'default';
export const DEFAULT_CONFIG_TTL_SECONDS = 10;

export class SettingsError extends Error {
  override name = 'SettingsError';
}

export function serviceSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): ServiceSettings {
  const ttlText = env.CONFIG_TTL_SECONDS?.trim();
  const ttlSeconds = ttlText ? Number(ttlText) : DEFAULT_CONFIG_TTL_SECONDS;
  if (!Number.isFinite(ttlSeconds) || ttlSeconds < 0) {
    throw new SettingsError(`CONFIG_TTL_SECONDS must be a number of seconds ≥ 0, not "${ttlText}"`);
  }
  const serviceNamespace = env.SERVICE_NAMESPACE?.trim() || DEFAULT_SERVICE_NAMESPACE;
  const pipelineRunNamespace = env.PIPELINE_RUN_NAMESPACE?.trim() || serviceNamespace;
  return { serviceNamespace, pipelineRunNamespace, configTtlMs: ttlSeconds * 1000 };
}
