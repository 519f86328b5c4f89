import { CONFIG_NAME, DEFAULT_CONFIG_SPEC, INTERNAL_SERVICES_CONFIGS, InternalServicesConfigSchema } from '../api/index.js';
import type { InternalServicesConfigSpec } from '../api/index.js';
import type { ClusterPort } from '../kube/index.js';

export interface ConfigLoader {
  /** The spec of `config` in the service namespace, or the defaults when that object does not exist. */
  load(): Promise<InternalServicesConfigSpec>;
}

export interface ConfigLoaderOptions {
  port: ClusterPort;
  namespace: string;
  ttlMs: number;
  /** Milliseconds clock, injectable so tests can age the cache without waiting. */
  now?: () => number;
}

/** The config object exists but does not match the schema: an admin must fix it (never guess defaults). */
export class InvalidConfigError extends Error {
  override name = 'InvalidConfigError';
}

/**
 * Reads the config through the internal cluster with a short TTL cache. Concurrent callers share one read;
 * a failed read is not cached. A broken config fails loudly instead of falling back to defaults, because the
 * default allow list is empty and would reject every request.
 */
export function createConfigLoader(options: ConfigLoaderOptions): ConfigLoader {
  const now = options.now ?? Date.now;
  let cached: { spec: InternalServicesConfigSpec; loadedAt: number } | undefined;
  let inFlight: Promise<InternalServicesConfigSpec> | undefined;

  async function read(): Promise<InternalServicesConfigSpec> {
    const object = await options.port.get<unknown>(INTERNAL_SERVICES_CONFIGS, options.namespace, CONFIG_NAME);
    if (object === undefined) return DEFAULT_CONFIG_SPEC;
    const parsed = InternalServicesConfigSchema.safeParse(object);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      throw new InvalidConfigError(`InternalServicesConfig ${options.namespace}/${CONFIG_NAME} is invalid: ${problems}`);
    }
    return parsed.data.spec;
  }

  return {
    load(): Promise<InternalServicesConfigSpec> {
      if (cached && now() - cached.loadedAt < options.ttlMs) return Promise.resolve(cached.spec);
      inFlight ??= read()
        .then((spec) => {
          cached = { spec, loadedAt: now() };
          return spec;
        })
        .finally(() => {
          inFlight = undefined;
        });
      return inFlight;
    },
  };
}
