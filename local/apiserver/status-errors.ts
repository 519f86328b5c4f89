/**
 * Errors the server answers with, as metav1.Status objects carrying the reason and code a real
 * kube-apiserver uses, so clients' error handling takes the same branches it would in production.
 */
export interface StatusCause { reason: string; message: string; field: string }
export interface StatusDetails { name?: string; group?: string; kind?: string; uid?: string; causes?: StatusCause[] }

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  /** ListMeta: a 410 for an expired continue token carries a token to go on with, inconsistently. */
  metadata: { continue?: string };
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

export class ApiError extends Error {
  /** Set when the Status carries ListMeta (a continue token). */
  listMeta?: Status['metadata'];

  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toStatus(): Status {
    // Fields in metav1.Status's order, as a real server writes them.
    return {
      kind: 'Status', apiVersion: 'v1', metadata: this.listMeta ?? {}, status: 'Failure', message: this.message, reason: this.reason,
      ...(this.details ? { details: withoutEmptyFields(this.details) } : {}),
      code: this.code,
    };
  }
}

/** StatusDetails' fields are `omitempty` in Go: a core-group error has no `group` key at all. */
function withoutEmptyFields(details: StatusDetails): StatusDetails {
  return Object.fromEntries(Object.entries(details).filter(([, value]) => value !== '' && value !== undefined)) as StatusDetails;
}

/** Identifies a resource in messages: `widgets.example.com` (core resources have no group suffix). */
export interface ResourceName { group: string; plural: string; kind: string }

export function qualified(r: ResourceName): string {
  return r.group ? `${r.plural}.${r.group}` : r.plural;
}

const REASON_BY_CODE: Record<number, string> = {
  400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 405: 'MethodNotAllowed',
  406: 'NotAcceptable', 409: 'Conflict', 410: 'Expired', 415: 'UnsupportedMediaType', 422: 'Invalid',
  429: 'TooManyRequests', 500: 'InternalError', 503: 'ServiceUnavailable', 504: 'Timeout',
};

export function reasonForCode(code: number): string {
  return REASON_BY_CODE[code] ?? 'Unknown';
}

export const notFound = (r: ResourceName, name: string): ApiError =>
  new ApiError(404, 'NotFound', `${qualified(r)} "${name}" not found`, { name, group: r.group, kind: r.plural });

export const alreadyExists = (r: ResourceName, name: string): ApiError =>
  new ApiError(409, 'AlreadyExists', `${qualified(r)} "${name}" already exists`, { name, group: r.group, kind: r.plural });

export const conflict = (r: ResourceName, name: string): ApiError =>
  new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(r)} "${name}": the object has been modified; please apply your changes to the latest version and try again`, { name, group: r.group, kind: r.plural });

export const badRequest = (message: string): ApiError => new ApiError(400, 'BadRequest', message);

export const forbidden = (r: ResourceName, name: string, why: string, causes?: StatusCause[]): ApiError =>
  new ApiError(403, 'Forbidden', `${qualified(r)} "${name}" is forbidden: ${why}`, { name, group: r.group, kind: r.plural, ...(causes ? { causes } : {}) });

export const methodNotAllowed = (): ApiError =>
  new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});

/** 405 of a verb the resource's own handler refuses (a POST to a custom resource's subresource). */
export const verbNotSupported = (r: ResourceName, verb: string): ApiError =>
  new ApiError(405, 'MethodNotAllowed', `${verb} is not supported on resources of kind "${qualified(r)}"`, { group: r.group, kind: r.plural });

/**
 * 404 of a path no handler serves. A real server says so in a Status only under its built-in groups;
 * for CRD groups and unknown paths Go answers a plain-text `404 page not found`. Clients go by the
 * code; the local server answers a Status everywhere, which its own suites read.
 */
export const notFoundPath = (): ApiError => new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});

export const unsupportedMediaType = (accepted: string[]): ApiError =>
  new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`);

export const expired = (message: string): ApiError => new ApiError(410, 'Expired', message);

export const patchRejected = (): ApiError =>
  new ApiError(422, 'Invalid', 'the server rejected our request due to an error in our request', {});

function causesText(causes: StatusCause[]): string | undefined {
  const texts = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
  return texts.length === 1 ? texts[0] : `[${texts.join(', ')}]`;
}

/** 422 Invalid: `Widget.example.com "w1" is invalid: <one>` or `…: [<a>, <b>]`. */
export function invalid(r: ResourceName, name: string, causes: StatusCause[]): ApiError {
  const groupKind = r.group ? `${r.kind}.${r.group}` : r.kind;
  return new ApiError(422, 'Invalid', `${groupKind} "${name}" is invalid: ${causesText(causes)}`, { name, group: r.group, kind: r.kind, causes });
}

/**
 * 422 Invalid named by resource, not kind (`widgets.example.com "w1" is invalid: …`): what kube-apiserver
 * says when an update's object metadata fails before the kind's own validation runs.
 */
export function invalidResource(r: ResourceName, name: string, causes: StatusCause[]): ApiError {
  return new ApiError(422, 'Invalid', `${qualified(r)} "${name}" is invalid: ${causesText(causes)}`, { name, group: r.group, kind: r.plural, causes });
}

/** 409 Conflict of a replace whose uid is not the stored one: etcd's uid precondition fails, as kube-apiserver reports it. */
export function uidPreconditionFailed(r: ResourceName, namespace: string | undefined, name: string, sentUid: string, storedUid: string): ApiError {
  const key = ['/registry', r.group || undefined, r.plural, namespace, name].filter((part) => part !== undefined).join('/');
  const why = `StorageError: invalid object, Code: 4, Key: ${key}, ResourceVersion: 0, AdditionalErrorMsg: Precondition failed: UID in precondition: ${sentUid}, UID in object meta: ${storedUid}`;
  return new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(r)} "${name}": ${why}`, { name, group: r.group, kind: r.plural });
}

export function successStatus(details: StatusDetails): Omit<Status, 'message' | 'reason'> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details, code: 200 };
}
