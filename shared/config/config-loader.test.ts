import { describe, expect, it } from '@jest/globals';
import { DEFAULT_CONFIG_SPEC, INTERNAL_SERVICES_CONFIGS } from '../api/index.js';
import type { ClusterPort, ResourceType } from '../kube/index.js';
import { InvalidConfigError, createConfigLoader } from './config-loader.js';
import { SettingsError, serviceSettingsFromEnv } from './service-settings.js';

/** A port that serves one config object (or none) and counts the reads. */
function configPort(initial: unknown): { port: ClusterPort; reads: () => number; set: (o: unknown) => void } {
  let object = initial;
  let reads = 0;
  const unused = (): never => {
    throw new Error('not used by the config loader');
  };
  const port: ClusterPort = {
    get: <T>(type: ResourceType, namespace: string, name: string): Promise<T | undefined> => {
      expect([type, namespace, name]).toEqual([INTERNAL_SERVICES_CONFIGS, 'svc', 'config']);
      reads++;
      return Promise.resolve(object as T | undefined);
    },
    list: unused,
    listPages: unused,
    create: unused,
    patch: unused,
    patchStatus: unused,
    delete: unused,
    withSignal: unused,
  };
  return { port, reads: () => reads, set: (o) => (object = o) };
}

const config = (spec: object): object => ({
  apiVersion: 'appstudio.redhat.com/v1alpha1',
  kind: 'InternalServicesConfig',
  metadata: { name: 'config', namespace: 'svc', uid: 'u', resourceVersion: '1' },
  spec,
});

describe('config loader', () => {
  it('when `config` is missing, then the defaults apply', async () => {
    const { port } = configPort(undefined);
    await expect(createConfigLoader({ port, namespace: 'svc', ttlMs: 0 }).load()).resolves.toEqual(DEFAULT_CONFIG_SPEC);
  });

  it('when `config` exists, then its spec is used with defaults for the fields it leaves out', async () => {
    const { port } = configPort(config({ allowList: ['team-a'], debug: true }));
    const spec = await createConfigLoader({ port, namespace: 'svc', ttlMs: 0 }).load();
    expect(spec).toMatchObject({ allowList: ['team-a'], debug: true, volumeClaim: { name: 'workspace', size: '1Gi' } });
  });

  it('when read again within the TTL, then the cached spec is used; after it, the object is read again', async () => {
    const { port, reads, set } = configPort(config({ allowList: ['a'] }));
    let clock = 0;
    const loader = createConfigLoader({ port, namespace: 'svc', ttlMs: 10_000, now: () => clock });
    await loader.load();
    set(config({ allowList: ['b'] }));
    clock = 9_999;
    expect((await loader.load()).allowList).toEqual(['a']);
    clock = 10_000;
    expect((await loader.load()).allowList).toEqual(['b']);
    expect(reads()).toBe(2);
  });

  it('when many events load at once, then the object is read once', async () => {
    const { port, reads } = configPort(config({}));
    const loader = createConfigLoader({ port, namespace: 'svc', ttlMs: 10_000 });
    await Promise.all(Array.from({ length: 20 }, () => loader.load()));
    expect(reads()).toBe(1);
  });

  it('when `config` breaks the schema, then loading fails instead of falling back to the reject-all defaults', async () => {
    const { port } = configPort(config({ debug: 'yes' }));
    await expect(createConfigLoader({ port, namespace: 'svc', ttlMs: 0 }).load()).rejects.toThrow(InvalidConfigError);
  });
});

describe('service settings', () => {
  it('when nothing is set, then config and runs are in namespace `default` and the TTL is 10 s', () => {
    expect(serviceSettingsFromEnv({})).toEqual({ serviceNamespace: 'default', pipelineRunNamespace: 'default', configTtlMs: 10_000 });
  });

  it.each([
    { name: 'SERVICE_NAMESPACE and CONFIG_TTL_SECONDS set → used; runs fall back to the service namespace (no isolation)', env: { SERVICE_NAMESPACE: 'internal-services', CONFIG_TTL_SECONDS: '2.5' }, service: 'internal-services', runs: 'internal-services', ttlMs: 2_500 },
    { name: 'PIPELINE_RUN_NAMESPACE set → runs there, config still in the service namespace', env: { SERVICE_NAMESPACE: 'internal-services', PIPELINE_RUN_NAMESPACE: 'internal-services-pipelines' }, service: 'internal-services', runs: 'internal-services-pipelines', ttlMs: 10_000 },
    { name: 'PIPELINE_RUN_NAMESPACE blank → the fallback, as if unset', env: { SERVICE_NAMESPACE: 'svc', PIPELINE_RUN_NAMESPACE: '  ' }, service: 'svc', runs: 'svc', ttlMs: 10_000 },
    { name: 'only PIPELINE_RUN_NAMESPACE set → config in `default`, runs where it says', env: { PIPELINE_RUN_NAMESPACE: ' runs ' }, service: 'default', runs: 'runs', ttlMs: 10_000 },
  ])('when $name', ({ env, service, runs, ttlMs }) => {
    expect(serviceSettingsFromEnv(env)).toEqual({ serviceNamespace: service, pipelineRunNamespace: runs, configTtlMs: ttlMs });
  });

  it('when CONFIG_TTL_SECONDS is not a number, then the error names it', () => {
    expect(() => serviceSettingsFromEnv({ CONFIG_TTL_SECONDS: 'soon' })).toThrow(SettingsError);
  });
});
