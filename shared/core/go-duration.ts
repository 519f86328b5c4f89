/**
 * Go's time.ParseDuration, to the nanosecond. Tekton's timeouts are metav1.Duration, whose JSON form is
 * read by exactly this function: a string it refuses makes the PipelineRun itself unreadable, so this
 * follows Go step by step (sign, "0", fractions, overflow) rather than a pattern that merely looks right.
 */

export class InvalidGoDurationError extends Error {
  override name = 'InvalidGoDurationError';

  constructor(
    readonly text: string,
    problem = 'invalid duration',
  ) {
    super(`time: ${problem} ${JSON.stringify(text)}`);
  }
}

/** Well-formed but beyond Go's int64 nanoseconds; Go reports it as a plain "invalid duration". */
export class GoDurationOverflowError extends InvalidGoDurationError {
  override name = 'GoDurationOverflowError';
}

const NS_PER_UNIT: ReadonlyMap<string, bigint> = new Map([
  ['ns', 1n],
  ['us', 1_000n],
  ['µs', 1_000n], // U+00B5 micro sign
  ['μs', 1_000n], // U+03BC Greek mu
  ['ms', 1_000_000n],
  ['s', 1_000_000_000n],
  ['m', 60_000_000_000n],
  ['h', 3_600_000_000_000n],
]);

/** Go accumulates the magnitude in a uint64 and allows up to 2^63 so that the most negative value parses. */
const MAGNITUDE_LIMIT = 1n << 63n;
export const MAX_GO_DURATION_NS = MAGNITUDE_LIMIT - 1n;
export const MAX_GO_DURATION = '2562047h47m16.854775807s';

const LEADING_DIGITS = /^[0-9]*/;

function leadingDigits(text: string): string {
  return LEADING_DIGITS.exec(text)?.[0] ?? '';
}

/** Go stops taking fraction digits once another would overflow, keeping the precision it has. */
function fraction(digits: string): { value: bigint; scale: number } {
  let value = 0n;
  let scale = 1;
  for (const digit of digits) {
    if (value > (MAGNITUDE_LIMIT - 1n) / 10n) break;
    const next = value * 10n + BigInt(digit);
    if (next > MAGNITUDE_LIMIT) break;
    value = next;
    scale *= 10;
  }
  return { value, scale };
}

/** `[0-9]*(\.[0-9]*)?` at the start of `rest`: the whole number, the fraction's digits and what follows. */
function leadingNumber(rest: string, text: string): { whole: bigint; fractionDigits: string; rest: string } {
  const first = rest[0] ?? '';
  if (first !== '.' && !(first >= '0' && first <= '9')) throw new InvalidGoDurationError(text);
  const digits = leadingDigits(rest);
  // 2^63 has 19 digits: a longer number overflows, and is not worth converting (it may be megabytes).
  const significant = digits.replace(/^0+/, '');
  if (significant.length > 19) throw new GoDurationOverflowError(text);
  const whole = BigInt(significant === '' ? '0' : significant);
  if (whole > MAGNITUDE_LIMIT) throw new GoDurationOverflowError(text);
  const after = rest.slice(digits.length);
  if (!after.startsWith('.')) return { whole, fractionDigits: '', rest: after };
  const fractionDigits = leadingDigits(after.slice(1));
  if (digits === '' && fractionDigits === '') throw new InvalidGoDurationError(text);
  return { whole, fractionDigits, rest: after.slice(1 + fractionDigits.length) };
}

/** Everything up to the next digit or point names the unit, as in Go. */
function leadingUnit(rest: string, text: string): { unit: bigint; rest: string } {
  const end = rest.search(/[.0-9]/);
  const name = end === -1 ? rest : rest.slice(0, end);
  if (name === '') throw new InvalidGoDurationError(text, 'missing unit in duration');
  const unit = NS_PER_UNIT.get(name);
  if (unit === undefined) throw new InvalidGoDurationError(text, `unknown unit ${JSON.stringify(name)} in duration`);
  return { unit, rest: rest.slice(name.length) };
}

/** One `<number><unit>` part at the start of `rest`: its nanoseconds and what follows it. */
function leadingPart(rest: string, text: string): { ns: bigint; rest: string } {
  const number = leadingNumber(rest, text);
  const { unit, rest: after } = leadingUnit(number.rest, text);
  if (number.whole > MAGNITUDE_LIMIT / unit) throw new GoDurationOverflowError(text);
  let ns = number.whole * unit;
  const { value, scale } = fraction(number.fractionDigits);
  // Go computes the fraction in float64 and truncates; the same steps give the same nanosecond.
  if (value > 0n) ns += BigInt(Math.trunc(Number(value) * (Number(unit) / scale)));
  if (ns > MAGNITUDE_LIMIT) throw new GoDurationOverflowError(text);
  return { ns, rest: after };
}

/** Nanoseconds, as Go's Duration holds them; throws InvalidGoDurationError where Go returns an error. */
export function parseGoDuration(text: string): bigint {
  let rest = text;
  const sign = rest[0];
  if (sign === '-' || sign === '+') rest = rest.slice(1);
  if (rest === '0') return 0n;
  if (rest === '') throw new InvalidGoDurationError(text);
  let magnitude = 0n;
  while (rest !== '') {
    const part = leadingPart(rest, text);
    // Go adds in uint64, which wraps at 2^64: two parts of exactly 2^63 sum to 0 and are accepted.
    magnitude = BigInt.asUintN(64, magnitude + part.ns);
    if (magnitude > MAGNITUDE_LIMIT) throw new GoDurationOverflowError(text);
    rest = part.rest;
  }
  if (sign === '-') return -magnitude;
  if (magnitude > MAX_GO_DURATION_NS) throw new GoDurationOverflowError(text);
  return magnitude;
}
