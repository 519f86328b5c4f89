/**
 * How the test bed configures Knative's ApiServerSource adapter from a manifest, as the reconciler does
 * (knative.dev/eventing v0.49.2, pkg/reconciler/apiserversource): which namespaces it watches, the plural
 * it guesses from a kind, and the K_SOURCE_CONFIG it marshals. No cluster: namespaces come from a table.
 */
import { describe, expect, it } from '@jest/globals';
import type { LabelSelector } from '../../local/embedded/label-selector.js';
import { adapterOptionsOf, guessedPlural, sourceConfig, watchedNamespaces } from './support/receive-adapter.js';

/** Namespaces with labels, listed by a selector of the forms this table uses (`k=v`, `k`). */
const NAMESPACES: Record<string, Record<string, string>> = {
  'internal-services': { 'kubernetes.io/metadata.name': 'internal-services' },
  'internal-services-pipelines': { 'kubernetes.io/metadata.name': 'internal-services-pipelines', tier: 'runs' },
  'team-b': { 'kubernetes.io/metadata.name': 'team-b', tier: 'runs' },
};
const asked: Array<string | undefined> = [];
async function list(labelSelector: string | undefined): Promise<string[]> {
  asked.push(labelSelector);
  const matches = (labels: Record<string, string>): boolean => (labelSelector ?? '').split(',').filter(Boolean).every((term) => {
    const [key = '', value] = term.split('=');
    return value === undefined ? key in labels : labels[key] === value;
  });
  return Object.entries(NAMESPACES).filter(([, labels]) => matches(labels)).map(([name]) => name).reverse();
}

describe('the adapter configuration the reconciler derives from an ApiServerSource', () => {
  it.each<{ name: string; selector: LabelSelector | undefined; watched: { namespaces: string[]; allNamespaces: boolean }; listed: boolean }>([
    { name: 'no namespaceSelector → its own namespace, nothing listed', selector: undefined, watched: { namespaces: ['internal-services'], allNamespaces: false }, listed: false },
    { name: 'a selector naming one namespace → that one', selector: { matchLabels: { 'kubernetes.io/metadata.name': 'internal-services-pipelines' } }, watched: { namespaces: ['internal-services-pipelines'], allNamespaces: false }, listed: true },
    { name: 'a selector on another label → every match, sorted', selector: { matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, watched: { namespaces: ['internal-services-pipelines', 'team-b'], allNamespaces: false }, listed: true },
    { name: 'an empty selector → every namespace, and allNamespaces', selector: {}, watched: { namespaces: ['internal-services', 'internal-services-pipelines', 'team-b'], allNamespaces: true }, listed: true },
  ])('when $name', async ({ selector, watched, listed }) => {
    asked.length = 0;
    expect(await watchedNamespaces('internal-services', selector, list)).toEqual(watched);
    expect(asked.length > 0).toBe(listed);
  });

  it.each([['PipelineRun', 'pipelineruns'], ['InternalRequest', 'internalrequests'], ['Ingress', 'ingresses'], ['Policy', 'policies'], ['Endpoints', 'endpoints']])('when the kind is %s, then the plural guessed is %s', (kind, plural) => {
    expect(guessedPlural(kind)).toBe(plural);
  });

  it('when a manifest is read, then K_SOURCE_CONFIG names the resolved namespaces, the resource with its selector text, and the mode', async () => {
    const options = await adapterOptionsOf({
      apiVersion: 'sources.knative.dev/v1', kind: 'ApiServerSource', metadata: { name: 'pipelineruns', namespace: 'internal-services' },
      spec: {
        mode: 'Resource', namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'internal-services-pipelines' } },
        resources: [{ apiVersion: 'tekton.dev/v1', kind: 'PipelineRun', selector: { matchExpressions: [{ key: 'a/name', operator: 'Exists' }] } }],
      },
    }, list);
    expect(options).toMatchObject({ name: 'pipelineruns', namespace: 'internal-services' });
    expect(JSON.parse(sourceConfig(options))).toEqual({
      namespaces: ['internal-services-pipelines'], allNamespaces: false, mode: 'Resource',
      resources: [{ gvr: { Group: 'tekton.dev', Version: 'v1', Resource: 'pipelineruns' }, selector: 'a/name' }],
    });
  });
});
