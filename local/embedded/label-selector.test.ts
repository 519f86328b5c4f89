import { describe, expect, it } from '@jest/globals';
import { labelSelectorText } from './label-selector.js';

describe('label selectors in the string form of list and watch', () => {
  it.each([
    [undefined, undefined],
    [{}, undefined],
    [{ matchLabels: { app: 'x', tier: 'db' } }, 'app=x,tier=db'],
    [{ matchExpressions: [{ key: 'a/b', operator: 'Exists' as const }] }, 'a/b'],
    [{ matchExpressions: [{ key: 'a', operator: 'DoesNotExist' as const }] }, '!a'],
    [{ matchExpressions: [{ key: 'env', operator: 'In' as const, values: ['dev', 'qa'] }] }, 'env in (dev,qa)'],
    [{ matchLabels: { app: 'x' }, matchExpressions: [{ key: 'env', operator: 'NotIn' as const, values: ['prod'] }] }, 'app=x,env notin (prod)'],
  ])('when the selector is %j, then the text is %j', (selector, text) => {
    expect(labelSelectorText(selector)).toBe(text);
  });
});
