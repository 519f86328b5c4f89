import { CloudEvent } from 'cloudevents';
import { resourceEventType } from './types.js';
import type { ChangeKind } from './types.js';

export interface KubeObjectLike {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
}

/**
 * `subject` as ApiServerSource builds it: `/apis/<apiVersion>/namespaces/<ns>/<plural>/<name>` for every
 * kind, so `/apis/v1/…` for the core group and an empty `<ns>` for cluster-scoped objects.
 */
export function resourceSubject(object: KubeObjectLike, plural: string): string {
  return `/apis/${object.apiVersion}/namespaces/${object.metadata.namespace ?? ''}/${plural}/${object.metadata.name}`;
}

/**
 * An event of exactly the shape Knative's ApiServerSource sends in Resource mode: the whole object as data,
 * and the `kind`, `apiversion`, `name`, `namespace` (empty for cluster-scoped objects) extensions that
 * Triggers filter on.
 * `source` is the API server's URL, as ApiServerSource reports its host.
 */
export function resourceEvent(change: ChangeKind, object: KubeObjectLike, opts: { source: string; plural: string }): CloudEvent<KubeObjectLike> {
  return new CloudEvent<KubeObjectLike>({
    type: resourceEventType(change),
    source: opts.source,
    subject: resourceSubject(object, opts.plural),
    datacontenttype: 'application/json',
    kind: object.kind,
    apiversion: object.apiVersion,
    name: object.metadata.name,
    namespace: object.metadata.namespace ?? '',
    data: object,
  });
}
