/**
 * The client side's one model of a Kubernetes API error: the HTTP code, the Status body's reason and
 * message, and a class named for what went wrong. Both clients build it with apiErrorOf: the functions'
 * port (client-port.ts) and the watcher's raw reader (shared/watch/kube-reader.ts). It loads nothing, so
 * the watcher's process stays small. The server side is local/apiserver/status-errors.ts.
 */

/** An answer from a Kubernetes API server other than success, recognised by its HTTP code. */
export class KubeApiError extends Error {
  override name = 'KubeApiError';
  constructor(
    message: string,
    readonly code: number,
    readonly reason: string,
    /** The server's own message (Status.message), without the call it answered. */
    readonly detail = '',
  ) {
    super(message);
  }
}
export class NotFoundError extends KubeApiError {
  override name = 'NotFoundError';
}
/** 404 to a write of a named object: it was deleted after it was read, so there is nothing left to do. */
export class ObjectGoneError extends NotFoundError {
  override name = 'ObjectGoneError';
}

/** 409 because the object changed since it was read (a resourceVersion precondition failed). */
export class ConflictError extends KubeApiError {
  override name = 'ConflictError';
}
/** 409 because an object of that name exists already. */
export class AlreadyExistsError extends KubeApiError {
  override name = 'AlreadyExistsError';
}
export class InvalidError extends KubeApiError {
  override name = 'InvalidError';
}
/** 413: the request body is over the API server's limit (3 MiB on kube-apiserver). */
export class RequestTooLargeError extends KubeApiError {
  override name = 'RequestTooLargeError';
}

export class GoneError extends KubeApiError {
  override name = 'GoneError';
}
export class TooManyRequestsError extends KubeApiError {
  override name = 'TooManyRequestsError';
}
export class ServerError extends KubeApiError {
  override name = 'ServerError';
}
/** The API server could not be reached at all (refused, reset, timed out, DNS). */
export class ClusterUnreachableError extends Error {
  override name = 'ClusterUnreachableError';
}

/**
 * The server found the object itself unacceptable: 422 Invalid, or 400 BadRequest, which is how a
 * validating admission webhook (Tekton's) denies a create. Sending the same object again cannot help.
 */
export function isRefusedAsInvalid(err: unknown): err is KubeApiError {
  return err instanceof KubeApiError && (err.code === 400 || err.code === 422);
}

/**
 * kube-apiserver passes etcd's refusal of an object over its size limit (1.5 MiB by default) on as a
 * 500 with etcd's own words; it is a property of the object, not an outage, so resending cannot help.
 */
const ETCD_TOO_LARGE = 'etcdserver: request is too large';

/**
 * The server will not store the object as written: 413 (body over the request limit), 422 (invalid), or
 * etcd's size refusal (above). A write that meets this must change what it writes, not be retried.
 */
export function isRefusedAsWritten(err: unknown): err is KubeApiError {
  if (!(err instanceof KubeApiError)) return false;
  return err.code === 413 || err.code === 422 || (err.code === 500 && err.detail.includes(ETCD_TOO_LARGE));
}

/** The fields of a Status body that name a refusal. */
export interface StatusBody {
  reason?: string;
  message?: string;
}

/** A Status body from its JSON text, or as already parsed (a watch's ERROR event); text that is not JSON is the message. */
export function readStatus(body: unknown): StatusBody {
  if (typeof body !== 'string') return typeof body === 'object' && body !== null ? (body as StatusBody) : {};
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null ? (parsed as StatusBody) : {};
  } catch {
    return { message: body };
  }
}

type KubeApiErrorClass = new (message: string, code: number, reason: string, detail: string) => KubeApiError;

function classFor(code: number, reason: string, verb: string): KubeApiErrorClass {
  // A create's 404 is a missing namespace (a misconfiguration); a patch's is an object deleted meanwhile.
  if (code === 404) return verb === 'patch' || verb === 'update' ? ObjectGoneError : NotFoundError;
  if (code === 409) {
    if (reason === 'AlreadyExists' || (reason === '' && verb === 'create')) return AlreadyExistsError;
    return ConflictError;
  }
  if (code === 410) return GoneError;
  if (code === 413) return RequestTooLargeError;
  if (code === 422) return InvalidError;
  if (code === 429) return TooManyRequestsError;
  if (code >= 500) return ServerError;
  return KubeApiError;
}

/** The request an answer refused: its verb (get, list, watch, create, patch, update, delete) and, for the message, which call it was. */
export interface RefusedCall {
  verb: string;
  /** E.g. `remote: patch internalrequests team-a/ir-1`; without it the message is the server's own words. */
  call?: string;
}

/**
 * The named error for an answer with HTTP status `code` and the Status `body` the server sent with it
 * (JSON text, or the object of a watch's ERROR event).
 */
export function apiErrorOf(code: number, body: unknown, refused: RefusedCall): KubeApiError {
  const status = readStatus(body);
  const reason = status.reason ?? '';
  const detail = status.message ?? '';
  const ErrorClass = classFor(code, reason, refused.verb);
  const message = refused.call === undefined ? (status.message ?? String(body)) : `${refused.call}: ${code} ${reason} ${detail}`.trim();
  return new ErrorClass(message, code, reason, detail);
}
