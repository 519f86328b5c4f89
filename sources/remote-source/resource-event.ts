import type { CloudEvent } from 'cloudevents';
import { resourceEvent } from '../../shared/events/resource-event.js';
import type { KubeObjectLike } from '../../shared/events/resource-event.js';
import type { ChangeKind, KubeObject, ResourceRef } from '../../shared/watch/index.js';

/** `K_CE_OVERRIDES`: extensions set on every event (they win over the source's own). */
export interface CeOverrides {
  extensions?: Record<string, string>;
}

/**
 * The event Knative's ApiServerSource sends in Resource mode for one change (the shape is shared with
 * the functions' tests through shared/events), with the configured overrides applied. Each call makes a
 * new id, as ApiServerSource does for every send.
 */
export function changeEvent(input: {
  change: ChangeKind;
  obj: KubeObject;
  ref: ResourceRef;
  serverUrl: string;
  overrides?: CeOverrides;
}): CloudEvent<unknown> {
  const { change, obj, ref, serverUrl, overrides } = input;
  const event = resourceEvent(change, obj as KubeObjectLike, { source: serverUrl, plural: ref.plural });
  return overrides?.extensions ? event.cloneWith(overrides.extensions) : event;
}
