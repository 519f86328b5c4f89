/** Our domain events (ARCHITECTURE.md "Domain events"). Data are references; consumers re-read. */
export const INTERNAL_REQUEST_ADMITTED = 'dev.konflux.internalrequest.admitted.v1';
export const INTERNAL_REQUEST_COMPLETED = 'dev.konflux.internalrequest.completed.v1';
export const INTERNAL_REQUEST_DELETING = 'dev.konflux.internalrequest.deleting.v1';

/** Knative ApiServerSource in Resource mode: data is the whole object (its last state on delete). */
export const RESOURCE_ADD = 'dev.knative.apiserver.resource.add';
export const RESOURCE_UPDATE = 'dev.knative.apiserver.resource.update';
export const RESOURCE_DELETE = 'dev.knative.apiserver.resource.delete';

/** Knative PingSource: a tick of its schedule; data is the PingSource's `spec.data`. */
export const PING = 'dev.knative.sources.ping';

export type ResourceVerb = 'add' | 'update' | 'delete';

export function resourceEventType(verb: ResourceVerb): string {
  return `dev.knative.apiserver.resource.${verb}`;
}

/** The `source` of an event a function emits. */
export function functionSource(functionName: string): string {
  return `/internal-services/${functionName}`;
}

/** The `subject` of a domain event: the InternalRequest it is about. */
export function internalRequestSubject(ref: { namespace: string; name: string }): string {
  return `namespaces/${ref.namespace}/internalrequests/${ref.name}`;
}
