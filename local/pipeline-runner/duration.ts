/** Go `time.Duration` strings as Tekton timeouts use them ("1h", "1h30m", "0.5s", "10ms"; "0" = none). */
const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PART = /(\d+(?:\.\d+)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;

export class InvalidDurationError extends Error {
  override name = 'InvalidDurationError';
}

/** Milliseconds in a Go duration string; throws InvalidDurationError on anything else. */
export function parseGoDuration(text: string): number {
  if (text === '0') return 0;
  if (text.length === 0) throw new InvalidDurationError('invalid duration ""');
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const start = PART.lastIndex;
    const match = PART.exec(text);
    if (!match || match.index !== start) throw new InvalidDurationError(`invalid duration "${text}"`);
    total += Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? 0);
  }
  return total;
}
