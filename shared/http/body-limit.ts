/**
 * The largest request body a function accepts: 4 MiB. The largest legitimate event carries a whole
 * object, and etcd stores none above 1.5 MiB (kube-apiserver takes request bodies up to 3 MiB), so
 * anything bigger is no event of this system. functions-framework's own body parsers accept up to
 * 1024 MiB (its server.js, not configurable); this is the limit that answers.
 */
export const MAX_EVENT_BODY_BYTES = 4 * 1024 * 1024;

/** The body is larger than any event this system sends: 413, never retried (resending cannot shrink it). */
export class BodyTooLargeError extends Error {
  override name = 'BodyTooLargeError';
}

/** Refuses a body of `size` bytes over the limit before anything reads it as an event. */
export function refuseOversizedBody(size: number, limit = MAX_EVENT_BODY_BYTES): void {
  if (size <= limit) return;
  throw new BodyTooLargeError(
    `the request body has ${size} bytes, more than the limit of ${limit} bytes (4 MiB): no event of this system is that large`,
  );
}
