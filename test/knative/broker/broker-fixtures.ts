/** Small builders for broker tests: synthetic routing, events, and a delay that records waits. */
import { CloudEvent } from 'cloudevents';
import type { DeliverySpec } from '../../../local/broker/delivery-policy.js';
import type { Routing, TriggerRoute } from '../../../local/broker/trigger-manifests.js';

export const BROKER = 'test-broker';

export function trigger(name: string, subscriber: string, filter: Record<string, string>, delivery?: DeliverySpec): TriggerRoute {
  return { name, broker: BROKER, filter, subscriber: { ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: subscriber } }, ...(delivery ? { delivery } : {}) };
}

export function routing(triggers: TriggerRoute[], delivery: DeliverySpec = { retry: 3, backoffPolicy: 'exponential', backoffDelay: 'PT1S' }): Routing {
  return { brokers: [{ name: BROKER, delivery }], triggers };
}

export function event(type: string, extensions: Record<string, string> = {}, data: unknown = { name: 'ir-1' }): CloudEvent<unknown> {
  return new CloudEvent<unknown>({ type, source: '/test', subject: 'namespaces/default/internalrequests/ir-1', datacontenttype: 'application/json', data, ...extensions });
}

/** A delay that returns at once and remembers what it was asked to wait. */
export function recordingDelay(): { waits: number[]; delay: (ms: number) => Promise<void> } {
  const waits: number[] = [];
  return { waits, delay: (ms) => (waits.push(ms), Promise.resolve()) };
}

/** Binary-mode CloudEvent answer headers, as a function replying with an event sends them. */
export function binaryReply(type: string, id = 'reply-1'): { status: number; headers: Record<string, string>; body: string } {
  return {
    status: 200,
    headers: { 'content-type': 'application/json', 'ce-specversion': '1.0', 'ce-id': id, 'ce-type': type, 'ce-source': '/internal-services/test' },
    body: JSON.stringify({ name: 'ir-1' }),
  };
}
