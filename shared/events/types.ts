/** Our domain events (docs/api.md, "Our own events"). Data are references; consumers re-read. */
export const INTERNAL_REQUEST_ADMITTED = 'dev.konflux.internalrequest.admitted.v1';
export const INTERNAL_REQUEST_COMPLETED = 'dev.konflux.internalrequest.completed.v1';
export const INTERNAL_REQUEST_DELETING = 'dev.konflux.internalrequest.deleting.v1';

/** Knative ApiServerSource in Resource mode: data is the whole object (its last state on delete). */
export const RESOURCE_ADD = 'dev.knative.apiserver.resource.add';
export const RESOURCE_UPDATE = 'dev.knative.apiserver.resource.update';
export const RESOURCE_DELETE = 'dev.knative.apiserver.resource.delete';

/** Knative PingSource: a tick of its schedule; data is the PingSource's `spec.data`. */
export const PING = 'dev.knative.sources.ping';

/** What happened to a resource: the watch's change, and the last word of ApiServerSource's event type. */
export type ChangeKind = 'add' | 'update' | 'delete';

export function resourceEventType(change: ChangeKind): string {
  return `dev.knative.apiserver.resource.${change}`;
}

/** The `source` of an event a function emits. */
export function functionSource(functionName: string): string {
  return `/internal-services/${functionName}`;
}

/** The `subject` of a domain event: the InternalRequest it is about. */
export function internalRequestSubject(ref: { namespace: string; name: string }): string {
  return `namespaces/${ref.namespace}/internalrequests/${ref.name}`;
}
