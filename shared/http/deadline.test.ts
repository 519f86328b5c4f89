import { EventEmitter } from 'node:events';
import { describe, expect, it } from '@jest/globals';
import type { Request, Response } from '@google-cloud/functions-framework';
import type { ClusterPort } from '../kube/index.js';
import { HandlerAbortedError, bindToSignal, requestSignal, untilAborted } from './deadline.js';
import type { FunctionContext } from './function-context.js';

/** The parts of a request and response requestSignal listens to, as functions-framework leaves them. */
function exchange(withTimeout = true): { req: Request; res: Response & EventEmitter; framework: AbortController } {
  const framework = new AbortController();
  const req = (withTimeout ? { abortController: framework } : {}) as Request;
  const res = Object.assign(new EventEmitter(), { writableFinished: false }) as unknown as Response & EventEmitter;
  return { req, res, framework };
}

describe('requestSignal: the deadline functions-framework\'s --timeout sets, heard reliably', () => {
  it('when the function runs without --timeout, then there is no signal and no deadline', () => {
    const { req, res } = exchange(false);
    expect(requestSignal(req, res)).toBeUndefined();
  });

  it('when the socket idles past --timeout (res "timeout"), then the signal aborts with "timeout"', () => {
    const { req, res } = exchange();
    const signal = requestSignal(req, res);
    res.emit('timeout');
    expect(signal?.reason).toBe('timeout');
  });

  it('when the framework aborts its own signal with "timeout", then so does this one', () => {
    const { req, res, framework } = exchange();
    const signal = requestSignal(req, res);
    framework.abort('timeout');
    expect(signal?.reason).toBe('timeout');
  });

  it('when the framework aborts with "request closed" (every request on a reused keep-alive connection), then nothing ends, and the timeout still can', () => {
    const { req, res, framework } = exchange();
    const signal = requestSignal(req, res);
    framework.abort('request closed');
    expect(signal?.aborted).toBe(false);
    res.emit('timeout');
    expect(signal?.reason).toBe('timeout');
  });

  it('when the response closes before it was written (the caller hung up), then the signal aborts with "request closed"', () => {
    const { req, res } = exchange();
    const signal = requestSignal(req, res);
    res.emit('close');
    expect(signal?.reason).toBe('request closed');
  });

  it('when the response closes after it was written, then nothing is aborted', () => {
    const { req, res } = exchange();
    const signal = requestSignal(req, res);
    Object.assign(res, { writableFinished: true });
    res.emit('close');
    expect(signal?.aborted).toBe(false);
  });
});

/** A promise the test settles by hand, so no timing decides the outcome. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (err: Error) => void } {
  let resolve!: (value: T) => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('untilAborted: a handler ends at its deadline', () => {
  it('when there is no signal (no --timeout), then the work is awaited as it is', async () => {
    await expect(untilAborted(Promise.resolve('done'), undefined, () => undefined)).resolves.toBe('done');
  });

  it('when the work finishes first, then its result, and a later abort changes nothing', async () => {
    const controller = new AbortController();
    const endings: string[] = [];
    await expect(untilAborted(Promise.resolve('done'), controller.signal, (e) => endings.push(e))).resolves.toBe('done');
    controller.abort('timeout');
    expect(endings).toEqual([]);
  });

  it('when functions-framework aborts with "timeout", then a HandlerAbortedError naming the timeout at once', async () => {
    const controller = new AbortController();
    const work = deferred<string>();
    const result = untilAborted(work.promise, controller.signal, () => undefined);
    controller.abort('timeout');
    await expect(result).rejects.toThrow(HandlerAbortedError);
    await expect(result).rejects.toThrow(/did not finish within the function timeout \(functions-framework --timeout\)/);
  });

  it('when the caller hangs up, then the error says so', async () => {
    const controller = new AbortController();
    controller.abort('request closed');
    await expect(untilAborted(deferred<string>().promise, controller.signal, () => undefined)).rejects.toThrow(/aborted before the handler finished \(request closed\)/);
  });

  it('when the abandoned work ends later, then how it ended is reported, and its failure is no unhandled rejection', async () => {
    const controller = new AbortController();
    const work = deferred<string>();
    const endings: string[] = [];
    const result = untilAborted(work.promise, controller.signal, (e) => endings.push(e));
    controller.abort('timeout');
    await expect(result).rejects.toThrow(HandlerAbortedError);
    work.reject(Object.assign(new Error('aborted'), { name: 'ClusterUnreachableError' }));
    await work.promise.catch(() => undefined);
    await Promise.resolve();
    expect(endings).toEqual(['ClusterUnreachableError']);
  });
});

describe('bindToSignal: every cluster call of the event ends with its signal', () => {
  const port = (label: string, bound: AbortSignal[]): ClusterPort =>
    ({ label, withSignal: (signal: AbortSignal) => (bound.push(signal), { label: `${label}+signal` }) }) as unknown as ClusterPort;

  it('when there is a signal, then both ports are bound to it and the rest of the context is kept', () => {
    const bound: AbortSignal[] = [];
    const context = { remote: port('remote', bound), internal: port('internal', bound), now: () => new Date(0) } as unknown as FunctionContext;
    const { signal } = new AbortController();
    const result = bindToSignal(context, signal);
    expect(result).toMatchObject({ remote: { label: 'remote+signal' }, internal: { label: 'internal+signal' } });
    expect(result.now).toBe(context.now);
    expect(bound).toEqual([signal, signal]);
  });

  it('when there is none, then the context is the process context itself', () => {
    const context = {} as FunctionContext;
    expect(bindToSignal(context, undefined)).toBe(context);
  });
});
