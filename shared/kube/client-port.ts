import { CustomObjectsApi, setHeaderOptions } from '@kubernetes/client-node';
import type { KubeConfig } from '@kubernetes/client-node';
import { NotFoundError, toKubeError } from './errors.js';
import { JSON_PATCH_CONTENT_TYPE, MERGE_PATCH_CONTENT_TYPE, isMergePatch } from './port.js';
import type { ClusterPort, Patch, ResourceType } from './port.js';

interface Ref {
  group: string;
  version: string;
  plural: string;
  namespace: string;
  name: string;
}

function ref(type: ResourceType, namespace: string, name: string): Ref {
  return { group: type.group, version: type.version, plural: type.plural, namespace, name };
}

/** client-node sends JSON patch unless told otherwise, so every patch states its content type. */
function patchCall(patch: Patch): { body: object; options: ReturnType<typeof setHeaderOptions> } {
  return isMergePatch(patch)
    ? { body: patch.merge, options: setHeaderOptions('Content-Type', MERGE_PATCH_CONTENT_TYPE) }
    : { body: patch.json, options: setHeaderOptions('Content-Type', JSON_PATCH_CONTENT_TYPE) };
}

/**
 * A ClusterPort over @kubernetes/client-node for custom resources (`/apis/<group>/<version>/…`).
 * `clusterName` prefixes error messages so a log line says which cluster refused.
 */
export function createClusterPort(kubeConfig: KubeConfig, clusterName: string): ClusterPort {
  const api = kubeConfig.makeApiClient(CustomObjectsApi);

  async function call<T>(verb: string, what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      throw toKubeError(err, `${clusterName}: ${verb} ${what}`, verb);
    }
  }
  const describe = (type: ResourceType, namespace: string | undefined, name = ''): string =>
    `${type.plural}.${type.group} ${[namespace, name].filter(Boolean).join('/')}`.trim();

  return {
    async get<T>(type: ResourceType, namespace: string, name: string): Promise<T | undefined> {
      try {
        return await call('get', describe(type, namespace, name), () => api.getNamespacedCustomObject(ref(type, namespace, name)) as Promise<T>);
      } catch (err) {
        if (err instanceof NotFoundError) return undefined;
        throw err;
      }
    },
    async list<T>(type: ResourceType, namespace: string | undefined, opts: { labelSelector?: string } = {}): Promise<T[]> {
      const base = { group: type.group, version: type.version, plural: type.plural, labelSelector: opts.labelSelector };
      const result = (await call('list', describe(type, namespace), () =>
        namespace === undefined ? api.listClusterCustomObject(base) : api.listNamespacedCustomObject({ ...base, namespace }),
      )) as { items?: T[] };
      return result.items ?? [];
    },
    create<T>(type: ResourceType, namespace: string, body: object): Promise<T> {
      const { group, version, plural } = type;
      return call('create', describe(type, namespace), () => api.createNamespacedCustomObject({ group, version, plural, namespace, body }) as Promise<T>);
    },
    patch<T>(type: ResourceType, namespace: string, name: string, patch: Patch): Promise<T> {
      const { body, options } = patchCall(patch);
      return call('patch', describe(type, namespace, name), () => api.patchNamespacedCustomObject({ ...ref(type, namespace, name), body }, options) as Promise<T>);
    },
    patchStatus<T>(type: ResourceType, namespace: string, name: string, patch: Patch): Promise<T> {
      const { body, options } = patchCall(patch);
      return call('patch', `${describe(type, namespace, name)}/status`, () =>
        api.patchNamespacedCustomObjectStatus({ ...ref(type, namespace, name), body }, options) as Promise<T>,
      );
    },
    async delete(type: ResourceType, namespace: string, name: string): Promise<void> {
      try {
        await call('delete', describe(type, namespace, name), () =>
          api.deleteNamespacedCustomObject({ ...ref(type, namespace, name), propagationPolicy: 'Background' }),
        );
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
      }
    },
  };
}
