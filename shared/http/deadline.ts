import type { Request, Response } from '@google-cloud/functions-framework';
import type { ProcessContext } from './function-context.js';

/**
 * The request's deadline passed (functions-framework's `--timeout`), or its caller hung up. The answer
 * is 504, which the broker retries; the handler's API calls are cut off through the same signal, so its
 * work stops instead of going on unobserved.
 */
export class HandlerAbortedError extends Error {
  override name = 'HandlerAbortedError';
}

/** What ends a request early; `--timeout` is functions-framework's flag (whole seconds; 0 or absent: none). */
export type AbortReason = 'timeout' | 'request closed';

function abortMessage(reason: unknown): string {
  return reason === 'timeout'
    ? 'the handler did not finish within the function timeout (functions-framework --timeout): its API calls were cut off'
    : `the request was aborted before the handler finished (${String(reason)}): its API calls were cut off`;
}

/**
 * The signal that ends this request's work, or undefined without `--timeout`. functions-framework's own
 * signal (`req.abortController`) cannot be used as it is: on a reused keep-alive connection (as Knative's
 * queue-proxy keeps them) it aborts every request at once with "request closed", because its close
 * listener fires for the finished request body, and a signal aborts only once, so the timeout could never
 * follow. Its timeout is therefore heard where the framework sets it, on the socket (`res` 'timeout'), and
 * a real hang-up from `res` closing before the answer was written.
 */
export function requestSignal(req: Request, res: Response): AbortSignal | undefined {
  if (req.abortController === undefined) return undefined;
  const controller = new AbortController();
  const abort = (reason: AbortReason) => (): void => {
    if (!controller.signal.aborted) controller.abort(reason);
  };
  const onFrameworkAbort = (): void => {
    if (req.abortController?.signal.reason === 'timeout') abort('timeout')();
  };
  req.abortController.signal.addEventListener('abort', onFrameworkAbort, { once: true });
  res.once('timeout', abort('timeout'));
  res.once('close', () => {
    if (!res.writableFinished) abort('request closed')();
  });
  return controller.signal;
}

/** The context of one event: its cluster calls end when the request's signal aborts. */
export function bindToSignal<Context extends ProcessContext>(context: Context, signal: AbortSignal | undefined): Context {
  if (signal === undefined) return context;
  return { ...context, remote: context.remote.withSignal(signal), internal: context.internal.withSignal(signal) };
}

/**
 * `work`, unless the signal aborts first: then a HandlerAbortedError at once, and `onLateSettle` hears
 * how the abandoned work ended (it stops at its next cluster call), so that too reaches the log.
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined, onLateSettle: (ending: string) => void): Promise<T> {
  if (signal === undefined) return work;
  return new Promise<T>((resolve, reject) => {
    const abort = (): void => {
      reject(new HandlerAbortedError(abortMessage(signal.reason)));
      work.then(
        () => onLateSettle('finished'),
        (err: unknown) => onLateSettle(err instanceof Error ? err.name : 'error'),
      );
    };
    if (signal.aborted) {
      abort();
      return;
    }
    signal.addEventListener('abort', abort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}
