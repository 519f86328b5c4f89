import { CloudEvent } from 'cloudevents';
import { resourceEventType } from './types.js';
import type { ResourceVerb } from './types.js';

export interface KubeObjectLike {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
}

/** `/apis/<group>/<version>/namespaces/<ns>/<plural>/<name>`, as ApiServerSource sets `subject`. */
export function resourceSubject(object: KubeObjectLike, plural: string): string {
  const root = object.apiVersion.includes('/') ? `/apis/${object.apiVersion}` : `/api/${object.apiVersion}`;
  const scope = object.metadata.namespace ? `/namespaces/${object.metadata.namespace}` : '';
  return `${root}${scope}/${plural}/${object.metadata.name}`;
}

/**
 * An event of exactly the shape Knative's ApiServerSource sends in Resource mode: the whole object as data,
 * and the `kind`, `apiversion`, `name`, `namespace` extensions that Triggers filter on.
 * `source` is the API server's URL, as ApiServerSource reports its host.
 */
export function resourceEvent(verb: ResourceVerb, object: KubeObjectLike, opts: { source: string; plural: string }): CloudEvent<KubeObjectLike> {
  return new CloudEvent<KubeObjectLike>({
    type: resourceEventType(verb),
    source: opts.source,
    subject: resourceSubject(object, opts.plural),
    datacontenttype: 'application/json',
    kind: object.kind,
    apiversion: object.apiVersion,
    name: object.metadata.name,
    ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}),
    data: object,
  });
}
