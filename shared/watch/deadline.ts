/**
 * A timer that fires once nothing touched it for its period: how a request notices a connection that
 * went silent (half-open, or held open by a proxy) instead of waiting on it forever.
 */
export interface Deadline {
  /** Bytes arrived: the period starts again. */
  touch(): void;
  clear(): void;
}

/** Starts a deadline that calls `expire` once `ms` pass without touch(). Injected so tests fire it by hand. */
export type StartDeadline = (ms: number, expire: () => void) => Deadline;

export const realDeadline: StartDeadline = (ms, expire) => {
  const timer = setTimeout(expire, ms);
  return { touch: () => void timer.refresh(), clear: () => clearTimeout(timer) };
};

/** A request given up because its connection stayed silent past its deadline. */
export class SilentConnectionError extends Error {
  override name = 'SilentConnectionError';
}
