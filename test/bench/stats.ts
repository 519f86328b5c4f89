/** Order statistics of measured samples. */

export class NoSamplesError extends Error {
  override name = 'NoSamplesError';
}

/**
 * The p-th percentile by the nearest-rank method: the smallest sample that at least p % of the samples
 * do not exceed. Always one of the samples, so p99 of 500 latencies is the 5th slowest, never an
 * interpolation between two.
 */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new NoSamplesError('no samples');
  if (!(p > 0 && p <= 100)) throw new RangeError(`a percentile is above 0 and at most 100, not ${p}`);
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[rank - 1] as number;
}

export function median(samples: readonly number[]): number {
  return percentile(samples, 50);
}
