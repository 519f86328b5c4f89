import { CustomObjectsApi, Observable, setHeaderOptions } from '@kubernetes/client-node';
import type { ConfigurationOptions, KubeConfig, RequestContext, ResponseContext } from '@kubernetes/client-node';
import { NotFoundError, toKubeError } from './errors.js';
import { JSON_PATCH_CONTENT_TYPE, MERGE_PATCH_CONTENT_TYPE, isMergePatch } from './port.js';
import type { ClusterPort, PageOptions, Patch, ResourceType } from './port.js';

interface ListResult<T> {
  items?: T[];
  metadata?: { continue?: string };
}

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

/** Hands the signal to the fetch of each call, so an aborted handler's request is cut off, not awaited. */
function signalOptions(signal: AbortSignal | undefined): ConfigurationOptions | undefined {
  if (signal === undefined) return undefined;
  const middleware = {
    pre: (context: RequestContext): Observable<RequestContext> => {
      context.setSignal(signal);
      return new Observable(Promise.resolve(context));
    },
    post: (response: ResponseContext): Observable<ResponseContext> => new Observable(Promise.resolve(response)),
  };
  return { middleware: [middleware], middlewareMergeStrategy: 'append' };
}

/** client-node sends JSON patch unless told otherwise, so every patch states its content type. */
function patchCall(patch: Patch, base: ConfigurationOptions | undefined): { body: object; options: ConfigurationOptions } {
  return isMergePatch(patch)
    ? { body: patch.merge, options: setHeaderOptions('Content-Type', MERGE_PATCH_CONTENT_TYPE, base) }
    : { body: patch.json, options: setHeaderOptions('Content-Type', JSON_PATCH_CONTENT_TYPE, base) };
}

/**
 * A ClusterPort over @kubernetes/client-node for custom resources (`/apis/<group>/<version>/…`).
 * `clusterName` prefixes error messages so a log line says which cluster refused.
 */
export function createClusterPort(kubeConfig: KubeConfig, clusterName: string): ClusterPort {
  return portOver(kubeConfig.makeApiClient(CustomObjectsApi), clusterName, undefined);
}

function portOver(api: CustomObjectsApi, clusterName: string, signal: AbortSignal | undefined): ClusterPort {
  const options = signalOptions(signal);

  async function call<T>(verb: string, what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      throw toKubeError(err, `${clusterName}: ${verb} ${what}`, verb);
    }
  }
  const describe = (type: ResourceType, namespace: string | undefined, name = ''): string =>
    `${type.plural}.${type.group} ${[namespace, name].filter(Boolean).join('/')}`.trim();

  type ListQuery = { labelSelector?: string; limit?: number; _continue?: string };
  function listOnce<T>(type: ResourceType, namespace: string | undefined, query: ListQuery): Promise<ListResult<T>> {
    const base = { group: type.group, version: type.version, plural: type.plural, ...query };
    return call('list', describe(type, namespace), () =>
      namespace === undefined ? api.listClusterCustomObject(base, options) : api.listNamespacedCustomObject({ ...base, namespace }, options),
    ) as Promise<ListResult<T>>;
  }

  return {
    async get<T>(type: ResourceType, namespace: string, name: string): Promise<T | undefined> {
      try {
        return await call('get', describe(type, namespace, name), () => api.getNamespacedCustomObject(ref(type, namespace, name), options) as Promise<T>);
      } catch (err) {
        if (err instanceof NotFoundError) return undefined;
        throw err;
      }
    },
    async list<T>(type: ResourceType, namespace: string | undefined, opts: { labelSelector?: string } = {}): Promise<T[]> {
      return (await listOnce<T>(type, namespace, { labelSelector: opts.labelSelector })).items ?? [];
    },
    async *listPages<T>(type: ResourceType, namespace: string | undefined, opts: PageOptions): AsyncIterable<T[]> {
      let next: string | undefined;
      do {
        const page = await listOnce<T>(type, namespace, { ...opts, _continue: next });
        yield page.items ?? [];
        next = page.metadata?.continue || undefined;
      } while (next !== undefined);
    },
    create<T>(type: ResourceType, namespace: string, body: object): Promise<T> {
      const { group, version, plural } = type;
      return call('create', describe(type, namespace), () => api.createNamespacedCustomObject({ group, version, plural, namespace, body }, options) as Promise<T>);
    },
    patch<T>(type: ResourceType, namespace: string, name: string, patch: Patch): Promise<T> {
      const { body, options: patchOptions } = patchCall(patch, options);
      return call('patch', describe(type, namespace, name), () => api.patchNamespacedCustomObject({ ...ref(type, namespace, name), body }, patchOptions) as Promise<T>);
    },
    patchStatus<T>(type: ResourceType, namespace: string, name: string, patch: Patch): Promise<T> {
      const { body, options: patchOptions } = patchCall(patch, options);
      return call('patch', `${describe(type, namespace, name)}/status`, () =>
        api.patchNamespacedCustomObjectStatus({ ...ref(type, namespace, name), body }, patchOptions) as Promise<T>,
      );
    },
    async delete(type: ResourceType, namespace: string, name: string): Promise<void> {
      try {
        await call('delete', describe(type, namespace, name), () =>
          api.deleteNamespacedCustomObject({ ...ref(type, namespace, name), propagationPolicy: 'Background' }, options),
        );
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
      }
    },
    withSignal(next: AbortSignal): ClusterPort {
      return portOver(api, clusterName, next);
    },
  };
}
