import { describe, expect, it } from '@jest/globals';
import { ApiException } from '@kubernetes/client-node';
import {
  AlreadyExistsError,
  ClusterUnreachableError,
  ConflictError,
  GoneError,
  InvalidError,
  KubeApiError,
  NotFoundError,
  ObjectGoneError,
  isRefusedAsInvalid,
  isRefusedAsWritten,
  RequestTooLargeError,
  ServerError,
  TooManyRequestsError,
  toKubeError,
} from './errors.js';

function apiError(code: number, reason?: string, message = 'boom'): ApiException<string> {
  const body = reason === undefined ? 'not json' : JSON.stringify({ kind: 'Status', status: 'Failure', reason, message, code });
  return new ApiException(code, 'Unknown API Status Code!', body, {});
}

describe('toKubeError', () => {
  it.each([
    { code: 404, reason: 'NotFound', verb: 'get', expected: NotFoundError },
    { code: 409, reason: 'AlreadyExists', verb: 'create', expected: AlreadyExistsError },
    { code: 409, reason: 'Conflict', verb: 'patch', expected: ConflictError },
    { code: 409, reason: undefined, verb: 'create', expected: AlreadyExistsError },
    { code: 409, reason: undefined, verb: 'patch', expected: ConflictError },
    { code: 410, reason: 'Expired', verb: 'list', expected: GoneError },
    { code: 404, reason: 'NotFound', verb: 'patch', expected: ObjectGoneError },
    { code: 404, reason: 'NotFound', verb: 'create', expected: NotFoundError },
    { code: 413, reason: 'RequestEntityTooLarge', verb: 'patch', expected: RequestTooLargeError },
    { code: 422, reason: 'Invalid', verb: 'patch', expected: InvalidError },
    { code: 429, reason: 'TooManyRequests', verb: 'get', expected: TooManyRequestsError },
    { code: 500, reason: 'InternalError', verb: 'get', expected: ServerError },
    { code: 503, reason: 'ServiceUnavailable', verb: 'get', expected: ServerError },
    { code: 403, reason: 'Forbidden', verb: 'get', expected: KubeApiError },
  ])('when the API server answers $code $reason to $verb, then it is a $expected.name', ({ code, reason, verb, expected }) => {
    const err = toKubeError(apiError(code, reason), 'remote: x', verb);
    expect(err.constructor).toBe(expected);
    expect((err as KubeApiError).code).toBe(code);
  });

  it('when the answer is a Status, then the message names the call and the server message', () => {
    const err = toKubeError(apiError(404, 'NotFound', 'internalrequests "a" not found'), 'remote: get internalrequests ns/a', 'get');
    expect(err.message).toBe('remote: get internalrequests ns/a: 404 NotFound internalrequests "a" not found');
    expect(err.name).toBe('NotFoundError');
  });

  it('when the answer is a Status, then its own message is kept apart as the detail', () => {
    const err = toKubeError(apiError(422, 'Invalid', 'PipelineRun.tekton.dev "a" is invalid'), 'internal: create pipelineruns', 'create');
    expect((err as KubeApiError).detail).toBe('PipelineRun.tekton.dev "a" is invalid');
  });

  it.each([
    { code: 422, reason: 'Invalid', refused: true },
    { code: 400, reason: 'BadRequest', refused: true },
    { code: 403, reason: 'Forbidden', refused: false },
    { code: 409, reason: 'AlreadyExists', refused: false },
    { code: 503, reason: 'ServiceUnavailable', refused: false },
  ])('when a create is answered $code $reason, then refused as invalid: $refused', ({ code, reason, refused }) => {
    expect(isRefusedAsInvalid(toKubeError(apiError(code, reason), 'internal: create x', 'create'))).toBe(refused);
  });

  it.each([
    { code: 413, reason: 'RequestEntityTooLarge', message: 'Request entity too large: limit is 3145728', refused: true },
    { code: 422, reason: 'Invalid', message: 'InternalRequest.appstudio.redhat.com "a" is invalid', refused: true },
    { code: 500, reason: '', message: 'etcdserver: request is too large', refused: true },
    { code: 500, reason: 'InternalError', message: 'etcdserver: leader changed', refused: false },
    { code: 503, reason: 'ServiceUnavailable', message: 'etcdserver: request is too large', refused: false },
    { code: 409, reason: 'Conflict', message: 'the object has been modified', refused: false },
  ])('when a write is answered $code "$message", then the server refuses it as written: $refused', ({ code, reason, message, refused }) => {
    expect(isRefusedAsWritten(toKubeError(apiError(code, reason, message), 'remote: patch x', 'patch'))).toBe(refused);
  });

  it('when the connection is refused, then it is a ClusterUnreachableError', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(toKubeError(refused, 'internal: get x', 'get')).toBeInstanceOf(ClusterUnreachableError);
  });

  it('when something else fails, then the error passes through unchanged', () => {
    const other = new TypeError('bug');
    expect(toKubeError(other, 'x', 'get')).toBe(other);
  });
});
