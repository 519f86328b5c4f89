/** Settings every function reads from its environment (see the README's configuration table). */
export interface ServiceSettings {
  /** Where the `config` object lives and where PipelineRuns are created. */
  serviceNamespace: string;
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
  return { serviceNamespace: env.SERVICE_NAMESPACE?.trim() || DEFAULT_SERVICE_NAMESPACE, configTtlMs: ttlSeconds * 1000 };
}
