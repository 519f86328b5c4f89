/**
 * The most bytes of results (names and values, UTF-8) a request's status carries: 768 KiB.
 * etcd stores no object above 1.5 MiB (its default --max-request-bytes; kube-apiserver answers a 500
 * "etcdserver: request is too large" above it). Half of that for results leaves the other half for the
 * rest of the request: spec.params alone may take 512 KiB (ADMISSION_LIMITS.paramBytes), and metadata,
 * managedFields (which list every result name) and the condition message share the remaining 256 KiB.
 */
export const RESULTS_MAX_BYTES = 768 * 1024;

export interface FittedResults {
  results: Record<string, string>;
  /** Names of the results left out, in name order. */
  omitted: string[];
}

const bytesOf = (name: string, value: string): number => Buffer.byteLength(name) + Buffer.byteLength(value);

/**
 * The results that fit the budget, taken in name order so the choice is the same on every delivery.
 * A result is kept whole or left out, never cut: a shortened value would be a wrong value.
 */
export function fitResults(results: Record<string, string>, limit = RESULTS_MAX_BYTES): FittedResults {
  const fitted: FittedResults = { results: {}, omitted: [] };
  let left = limit;
  for (const name of Object.keys(results).sort()) {
    const value = results[name] ?? '';
    const size = bytesOf(name, value);
    if (size > left) {
      fitted.omitted.push(name);
      continue;
    }
    fitted.results[name] = value;
    left -= size;
  }
  return fitted;
}

/** The note on a Succeeded condition whose results are not all there, so a reader knows why one is missing. */
export function omittedResultsNote(omitted: readonly string[], why: string): string {
  return omitted.length === 0 ? '' : `results left out: ${omitted.join(', ')} (${why})`;
}

export const OVER_BUDGET = `over the limit of ${RESULTS_MAX_BYTES} bytes of results a request status carries`;
