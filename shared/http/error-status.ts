import { MalformedEventError } from '../events/index.js';
import { AlreadyExistsError, ClusterUnreachableError, ConflictError, GoneError, ServerError, TooManyRequestsError } from '../kube/index.js';
import { BodyTooLargeError } from './body-limit.js';
import { HandlerAbortedError } from './deadline.js';

/**
 * The one place that turns an error into the HTTP status the broker acts on (ADR 0004):
 * 400 and 413 are final (dead letter); 409, 429, 503 and 504 (the handler's deadline passed) are
 * transient and retried with backoff; 500 is our own failure (misconfiguration, a write the API server
 * refused), also retried, then dead-lettered.
 * An ObjectGoneError is no failure at all: the wrapper answers 204 (the object was deleted meanwhile).
 */
export function statusForError(err: unknown): number {
  if (err instanceof MalformedEventError) return 400;
  if (err instanceof BodyTooLargeError) return 413;
  if (err instanceof HandlerAbortedError) return 504;
  if (err instanceof ConflictError || err instanceof AlreadyExistsError) return 409;
  if (err instanceof TooManyRequestsError) return 429;
  if (err instanceof ServerError || err instanceof ClusterUnreachableError || err instanceof GoneError) return 503;
  return 500;
}
