import { describe, expect, it } from '@jest/globals';
import {
  AlreadyExistsError,
  apiErrorOf,
  ConflictError,
  GoneError,
  InvalidError,
  isRefusedAsInvalid,
  isRefusedAsWritten,
  KubeApiError,
  NotFoundError,
  ObjectGoneError,
  readStatus,
  RequestTooLargeError,
  ServerError,
  TooManyRequestsError,
} from './errors.js';

/** What the API server answers: its code and Status body (not JSON when there is no reason). */
function answer(code: number, reason?: string, message = 'boom'): { code: number; body: string } {
  return { code, body: reason === undefined ? 'not json' : JSON.stringify({ kind: 'Status', status: 'Failure', reason, message, code }) };
}

/** The error a client builds for `answer` to the call `call` with `verb`. */
function refusedBy({ code, body }: { code: number; body: string }, call: string, verb: string): KubeApiError {
  return apiErrorOf(code, body, { verb, call });
}

describe('apiErrorOf: the class, message and detail of each refusal', () => {
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
    const err = refusedBy(answer(code, reason), 'remote: x', verb);
    expect(err.constructor).toBe(expected);
    expect(err.code).toBe(code);
  });

  it('when the answer is a Status, then the message names the call and the server message', () => {
    const err = refusedBy(answer(404, 'NotFound', 'internalrequests "a" not found'), 'remote: get internalrequests ns/a', 'get');
    expect(err.message).toBe('remote: get internalrequests ns/a: 404 NotFound internalrequests "a" not found');
    expect(err.name).toBe('NotFoundError');
  });

  it('when the answer is a Status, then its own message is kept apart as the detail', () => {
    const err = refusedBy(answer(422, 'Invalid', 'PipelineRun.tekton.dev "a" is invalid'), 'internal: create pipelineruns', 'create');
    expect(err.detail).toBe('PipelineRun.tekton.dev "a" is invalid');
  });

  it.each([
    { code: 422, reason: 'Invalid', refused: true },
    { code: 400, reason: 'BadRequest', refused: true },
    { code: 403, reason: 'Forbidden', refused: false },
    { code: 409, reason: 'AlreadyExists', refused: false },
    { code: 503, reason: 'ServiceUnavailable', refused: false },
  ])('when a create is answered $code $reason, then refused as invalid: $refused', ({ code, reason, refused }) => {
    expect(isRefusedAsInvalid(refusedBy(answer(code, reason), 'internal: create x', 'create'))).toBe(refused);
  });

  it.each([
    { code: 413, reason: 'RequestEntityTooLarge', message: 'Request entity too large: limit is 3145728', refused: true },
    { code: 422, reason: 'Invalid', message: 'InternalRequest.appstudio.redhat.com "a" is invalid', refused: true },
    { code: 500, reason: '', message: 'etcdserver: request is too large', refused: true },
    { code: 500, reason: 'InternalError', message: 'etcdserver: leader changed', refused: false },
    { code: 503, reason: 'ServiceUnavailable', message: 'etcdserver: request is too large', refused: false },
    { code: 409, reason: 'Conflict', message: 'the object has been modified', refused: false },
  ])('when a write is answered $code "$message", then the server refuses it as written: $refused', ({ code, reason, message, refused }) => {
    expect(isRefusedAsWritten(refusedBy(answer(code, reason, message), 'remote: patch x', 'patch'))).toBe(refused);
  });
});

const status = (code: number, reason: string, message: string): string => JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message });

describe('apiErrorOf: one model of an API server refusal, for every client', () => {
  it('when the call is named, then the message names it, the code and reason, and the server message is the detail', () => {
    const err = apiErrorOf(404, status(404, 'NotFound', 'internalrequests "a" not found'), { verb: 'patch', call: 'remote: patch internalrequests ns/a' });
    expect(err).toBeInstanceOf(ObjectGoneError);
    expect(err).toMatchObject({ message: 'remote: patch internalrequests ns/a: 404 NotFound internalrequests "a" not found', code: 404, reason: 'NotFound', detail: 'internalrequests "a" not found' });
  });

  it('when the call is not named (the watcher logs its own context), then the message is the server message', () => {
    const err = apiErrorOf(410, status(410, 'Expired', 'too old resource version: 1 (5)'), { verb: 'watch' });
    expect(err).toBeInstanceOf(GoneError);
    expect(err).toMatchObject({ message: 'too old resource version: 1 (5)', code: 410, reason: 'Expired', detail: 'too old resource version: 1 (5)' });
  });

  it('when the body is a parsed Status (a watch ERROR event), then it is read as the text would be', () => {
    const err = apiErrorOf(500, { kind: 'Status', code: 500, reason: 'InternalError', message: 'etcd is down' }, { verb: 'watch' });
    expect(err).toBeInstanceOf(ServerError);
    expect(err).toMatchObject({ message: 'etcd is down', reason: 'InternalError' });
  });

  it.each([
    { body: '404 page not found', message: '404 page not found', detail: '404 page not found' },
    { body: '{"kind":"Status","code":404}', message: '{"kind":"Status","code":404}', detail: '' },
    { body: 'null', message: 'null', detail: '' },
  ])('when the body is not a Status with a message ($body), then the message is the body as sent', ({ body, message, detail }) => {
    const err = apiErrorOf(404, body, { verb: 'get' });
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err).toMatchObject({ message, detail, reason: '' });
  });

  it('when the code has no class of its own (401, 403), then it is a KubeApiError with its code', () => {
    const err = apiErrorOf(401, status(401, 'Unauthorized', 'Unauthorized'), { verb: 'list' });
    expect(err.constructor).toBe(KubeApiError);
    expect(err.code).toBe(401);
  });
});

describe('readStatus', () => {
  it.each([
    { body: status(409, 'Conflict', 'modified'), read: { reason: 'Conflict', message: 'modified' } },
    { body: { reason: 'Gone' }, read: { reason: 'Gone' } },
    { body: 'not json', read: { message: 'not json' } },
    { body: '"a string"', read: {} },
    { body: undefined, read: {} },
  ])('when the body is $body, then it reads as $read', ({ body, read }) => {
    expect(readStatus(body)).toMatchObject(read);
  });
});
