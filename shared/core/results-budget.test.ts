import { describe, expect, it } from '@jest/globals';
import { RESULTS_MAX_BYTES, fitResults, omittedResultsNote } from './results-budget.js';

describe('Results budget: a status carries at most RESULTS_MAX_BYTES of results, whole ones only', () => {
  it('the limit is 768 KiB: half of etcd\'s 1.5 MiB object limit, leaving room for 512 KiB of params and the rest', () => {
    expect(RESULTS_MAX_BYTES).toBe(768 * 1024);
    expect(RESULTS_MAX_BYTES + 512 * 1024).toBeLessThan(1.5 * 1024 * 1024);
  });

  const table: Array<{ name: string; results: Record<string, string>; limit: number; kept: string[]; omitted: string[] }> = [
    { name: 'everything fits → all kept', results: { a: '1', b: '2' }, limit: 10, kept: ['a', 'b'], omitted: [] },
    { name: 'exactly at the limit (names count too) → all kept', results: { a: '1234', b: '1234' }, limit: 10, kept: ['a', 'b'], omitted: [] },
    { name: 'one byte over → the result that does not fit is left out', results: { a: '1234', b: '12345' }, limit: 10, kept: ['a'], omitted: ['b'] },
    { name: 'a big one in the middle → left out, the smaller ones after it still kept', results: { a: '1', big: 'x'.repeat(20), c: '3' }, limit: 10, kept: ['a', 'c'], omitted: ['big'] },
    { name: 'taken in name order, whatever order the run lists them in', results: { z: '12345678', a: '12345678' }, limit: 10, kept: ['a'], omitted: ['z'] },
    { name: 'bytes, not characters: é is two', results: { e: 'é'.repeat(5) }, limit: 10, kept: [], omitted: ['e'] },
    { name: 'no results → nothing to do', results: {}, limit: 10, kept: [], omitted: [] },
  ];
  it.each(table)('$name', ({ results, limit, kept, omitted }) => {
    const fitted = fitResults(results, limit);
    expect(Object.keys(fitted.results)).toEqual(kept);
    expect(fitted.omitted).toEqual(omitted);
    for (const name of kept) expect(fitted.results[name]).toBe(results[name]);
  });

  it('when megabytes of results arrive, then what is kept stays within the default limit', () => {
    const big = { huge: 'x'.repeat(2 * 1024 * 1024), large: 'y'.repeat(700 * 1024), small: 'ok' };
    const fitted = fitResults(big);
    expect(fitted).toEqual({ results: { large: big.large, small: 'ok' }, omitted: ['huge'] });
  });

  it('when results are left out, then the note names them and why; when none are, it is empty', () => {
    expect(omittedResultsNote(['b', 'c'], 'too big')).toBe('results left out: b, c (too big)');
    expect(omittedResultsNote([], 'too big')).toBe('');
  });
});
