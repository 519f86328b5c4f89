import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../shared/watch/index.js';
import { GenerationFilter } from './generation-filter.js';

const request = (uid: string, generation: number, extra: Record<string, unknown> = {}): KubeObject => ({
  metadata: { uid, name: uid, generation, ...extra },
});

describe('GenerationFilter', () => {
  it('when only status, labels or finalizers change (same generation), then the update is dropped', () => {
    const filter = new GenerationFilter();
    expect(filter.admit('add', request('a', 1))).toBe(true);
    expect(filter.admit('update', request('a', 1, { labels: { x: 'y' } }))).toBe(false);
    expect(filter.admit('update', request('a', 1, { finalizers: ['f'] }))).toBe(false);
  });

  it('when the generation changes, then the update passes', () => {
    const filter = new GenerationFilter();
    filter.admit('add', request('a', 1));
    expect(filter.admit('update', request('a', 2))).toBe(true);
    expect(filter.admit('update', request('a', 2))).toBe(false);
  });

  it('when the deletionTimestamp appears, then the update passes even at the same generation', () => {
    const filter = new GenerationFilter();
    filter.admit('add', request('a', 1));
    expect(filter.admit('update', request('a', 1, { deletionTimestamp: '2024-01-01T00:00:00Z' }))).toBe(true);
    expect(filter.admit('update', request('a', 1, { deletionTimestamp: '2024-01-01T00:00:00Z' }))).toBe(false);
  });

  it('when an update arrives for an object it has never seen, then it passes', () => {
    expect(new GenerationFilter().admit('update', request('new', 3))).toBe(true);
  });

  it('when objects are deleted or vanish from a relist, then they are forgotten', () => {
    const filter = new GenerationFilter();
    filter.admit('add', request('a', 1));
    filter.admit('add', request('b', 1));
    expect(filter.admit('delete', request('a', 1))).toBe(true);
    expect(filter.size).toBe(1);
    filter.forgetAll(); // a relist begins; its adds follow
    filter.admit('add', request('c', 1));
    expect(filter.size).toBe(1);
    expect(filter.admit('update', request('c', 1))).toBe(false);
  });
});
