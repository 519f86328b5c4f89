/** Turns anything thrown into a short loggable text. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
