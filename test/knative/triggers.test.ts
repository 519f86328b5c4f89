import { expect, it } from '@jest/globals';
import { loadRouting } from '../../local/broker/trigger-manifests.js';
import { FUNCTION_DESCRIPTORS } from './support/function-descriptors.js';
import type { KubeObject } from './support/render.js';
import { ofKind, render } from './support/render.js';
import { describeWithKubectl } from './support/skip-without-kubectl.js';

interface TriggerSpec {
  broker: string;
  filter?: { attributes?: Record<string, string> };
  filters?: unknown;
  subscriber: { ref?: { apiVersion: string; kind: string; name: string }; uri?: string };
  delivery?: unknown;
}

const describeRendered = describeWithKubectl();
const spec = (trigger: KubeObject): TriggerSpec => trigger['spec'] as TriggerSpec;
const attributes = (trigger: KubeObject): Record<string, string> => spec(trigger).filter?.attributes ?? {};
const route = (type: string, kind?: string): string => (kind === undefined ? type : `${type} (kind ${kind})`);

describeRendered('Triggers and the functions they feed', () => {
  const objects = (): KubeObject[] => render('private');
  const triggers = (): KubeObject[] => ofKind(objects(), 'Trigger');

  it('when the private overlay is rendered, then there is a Trigger per consumed event type and no other', () => {
    const wanted = FUNCTION_DESCRIPTORS.flatMap((d) => d.consumes.map((c) => `${d.name} ← ${route(c.type, c.kind)}`)).sort();
    const actual = triggers().map((t) => `${spec(t).subscriber.ref?.name} ← ${route(attributes(t)['type'] ?? '', attributes(t)['kind'])}`).sort();
    expect(actual).toEqual(wanted);
  });

  it('when a Trigger filters, then it uses filter.attributes on type, plus kind for ApiServerSource events, and nothing else', () => {
    for (const trigger of triggers()) {
      const attrs = attributes(trigger);
      expect(spec(trigger).filters).toBeUndefined();
      expect(Object.keys(attrs).sort()).toEqual(attrs['type']?.startsWith('dev.knative.apiserver.') ? ['kind', 'type'] : ['type']);
    }
  });

  it('when a function emits an event type, then some Trigger routes it to a consumer', () => {
    const routed = new Set(triggers().map((t) => attributes(t)['type']));
    const emitted = FUNCTION_DESCRIPTORS.flatMap((d) => d.emits);
    expect(emitted.filter((type) => !routed.has(type))).toEqual([]);
    expect(emitted.length).toBeGreaterThan(0);
  });

  it('when a Trigger names its Broker and subscriber, then both are defined in the overlay and the subscriber is a function', () => {
    const brokers = new Set(ofKind(objects(), 'Broker').map((b) => b.metadata.name));
    const services = new Set(ofKind(objects(), 'Service').filter((s) => s.apiVersion === 'serving.knative.dev/v1').map((s) => s.metadata.name));
    const functions = new Set(FUNCTION_DESCRIPTORS.map((d) => d.name));
    for (const trigger of triggers()) {
      const { broker, subscriber, delivery } = spec(trigger);
      expect(brokers.has(broker)).toBe(true);
      expect(subscriber.ref).toMatchObject({ apiVersion: 'serving.knative.dev/v1', kind: 'Service' });
      expect(services.has(subscriber.ref?.name ?? '')).toBe(true);
      expect(functions.has(subscriber.ref?.name ?? '')).toBe(true);
      expect(delivery).toBeUndefined();
    }
  });

  it('when the local broker reads knative/, then it routes by exactly the rendered Triggers', async () => {
    const local = await loadRouting('knative');
    const asRoute = (t: KubeObject): object => ({ name: t.metadata.name, broker: spec(t).broker, filter: attributes(t), subscriber: spec(t).subscriber });
    expect(local.triggers.map(({ name, broker, filter, subscriber }) => ({ name, broker, filter, subscriber }))).toEqual(expect.arrayContaining(triggers().map(asRoute)));
    expect(local.triggers).toHaveLength(triggers().length);
  });
});
