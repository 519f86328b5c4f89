import { describe, expect, it } from '@jest/globals';
import type { LabelSelector } from './label-selector.js';
import { NAMESPACE_NAME_LABEL, namespacesNamedBy } from './namespace-selector.js';

describe('the namespaces a namespaceSelector names, without a cluster to list them', () => {
  it.each<{ name: string; selector: LabelSelector; names: string[] | undefined }>([
    { name: 'the name label → that namespace', selector: { matchLabels: { [NAMESPACE_NAME_LABEL]: 'runs' } }, names: ['runs'] },
    { name: 'the name label in a list → those, sorted', selector: { matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'In', values: ['b', 'a'] }] }, names: ['a', 'b'] },
    { name: 'both forms → the names both allow', selector: { matchLabels: { [NAMESPACE_NAME_LABEL]: 'a' }, matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'In', values: ['a', 'b'] }] }, names: ['a'] },
    { name: 'both forms, no name in common → none', selector: { matchLabels: { [NAMESPACE_NAME_LABEL]: 'c' }, matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'In', values: ['a'] }] }, names: [] },
    { name: 'an empty selector (every namespace) → only a cluster can tell', selector: {}, names: undefined },
    { name: 'another label → only a cluster can tell', selector: { matchLabels: { team: 'release' } }, names: undefined },
    { name: 'the name label and another one → only a cluster can tell', selector: { matchLabels: { [NAMESPACE_NAME_LABEL]: 'runs', team: 'release' } }, names: undefined },
    { name: 'the name label with NotIn → only a cluster can tell', selector: { matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'NotIn', values: ['a'] }] }, names: undefined },
    { name: 'the name label with Exists (every namespace) → only a cluster can tell', selector: { matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'Exists' }] }, names: undefined },
  ])('when $name', ({ selector, names }) => {
    expect(namespacesNamedBy(selector)).toEqual(names);
  });
});
