/** Turns each Trigger's subscriber (a Knative Service ref or a URI) into a local URL. */
import type { DeliverySpec } from './delivery-policy.js';
import type { InProcessSubscriber } from './dispatch.js';
import { effectiveDelivery } from './delivery-policy.js';
import type { BrokerManifest, TriggerRoute } from './trigger-manifests.js';

export interface ResolvedRoute {
  trigger: TriggerRoute;
  url: string;
  delivery: DeliverySpec;
  /** Name of the dead-letter sink (ref name or URI), if any. */
  deadLetterSink: string | undefined;
  /** Set when the subscriber at `url` lives in this process: it is handed each event without HTTP. */
  inProcess?: InProcessSubscriber;
}

export class UnresolvedSubscriberError extends Error {
  override name = 'UnresolvedSubscriberError';
}

function subscriberUrl(trigger: TriggerRoute, urls: Readonly<Record<string, string>>): string | undefined {
  const { ref, uri } = trigger.subscriber;
  if (!ref) return uri;
  const base = urls[ref.name];
  // With both, Knative appends the uri (a path) to the ref's address.
  return base === undefined || uri === undefined ? base : new URL(uri, base).toString();
}

function sinkName(delivery: DeliverySpec): string | undefined {
  return delivery.deadLetterSink?.ref?.name ?? delivery.deadLetterSink?.uri;
}

/**
 * Routes of `broker`, in manifest order; throws naming every subscriber `urls` lacks. A route whose URL
 * is one of `inProcess` goes to that subscriber directly.
 */
export function resolveRoutes(
  broker: BrokerManifest,
  triggers: TriggerRoute[],
  urls: Readonly<Record<string, string>>,
  inProcess: ReadonlyMap<string, InProcessSubscriber> = new Map(),
): ResolvedRoute[] {
  const mine = triggers.filter((trigger) => trigger.broker === broker.name);
  const missing = mine.filter((trigger) => subscriberUrl(trigger, urls) === undefined);
  if (missing.length > 0) {
    const names = missing.map((t) => `${t.name} → ${t.subscriber.ref?.name ?? '?'}`).join(', ');
    throw new UnresolvedSubscriberError(`no URL for the subscribers of: ${names}`);
  }
  return mine.map((trigger) => {
    const delivery = effectiveDelivery(trigger.delivery, broker.delivery);
    const url = subscriberUrl(trigger, urls) as string;
    const local = inProcess.get(url);
    return { trigger, url, delivery, deadLetterSink: sinkName(delivery), ...(local ? { inProcess: local } : {}) };
  });
}
