/** ISO-8601 durations as Knative's delivery spec uses them (`PT0.2S`, `PT1M`, `P1D`). */

export class InvalidDurationError extends Error {
  override name = 'InvalidDurationError';
}

// Years and months have no fixed length, so like Knative we accept days and smaller units only.
const DURATION = /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;
const UNIT_MS = [7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1_000];

/** Milliseconds in `text`; throws InvalidDurationError for anything else. */
export function parseIsoDuration(text: string): number {
  const match = DURATION.exec(text);
  const parts = match?.slice(1) ?? [];
  if (!match || text === 'P' || text.endsWith('T') || parts.every((part) => part === undefined)) {
    throw new InvalidDurationError(`not an ISO-8601 duration: ${JSON.stringify(text)}`);
  }
  return Math.round(parts.reduce((ms, part, i) => ms + Number(part ?? 0) * (UNIT_MS[i] ?? 0), 0));
}
