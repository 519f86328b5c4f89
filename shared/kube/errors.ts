import { ApiException } from '@kubernetes/client-node';

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

interface StatusBody {
  reason?: string;
  message?: string;
}

function parseStatus(body: unknown): StatusBody {
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

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);

function isNetworkError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  return err.name === 'FetchError' || err.name === 'AbortError' || (typeof code === 'string' && NETWORK_CODES.has(code));
}

/**
 * The one place that turns what @kubernetes/client-node throws into the named errors above.
 * `what` says which call failed (e.g. `remote: patch internalrequests team-a/ir-1`) for messages and logs.
 */
export function toKubeError(err: unknown, what: string, verb: string): Error {
  if (err instanceof ApiException) {
    const code = Number(err.code);
    const status = parseStatus(err.body);
    const reason = status.reason ?? '';
    const ErrorClass = classFor(code, reason, verb);
    const detail = status.message ?? '';
    return new ErrorClass(`${what}: ${code} ${reason} ${detail}`.trim(), code, reason, detail);
  }
  if (isNetworkError(err)) {
    return new ClusterUnreachableError(`${what}: ${(err as Error).message}`, { cause: err });
  }
  return err instanceof Error ? err : new Error(`${what}: ${String(err)}`);
}
