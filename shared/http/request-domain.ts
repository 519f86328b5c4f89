import domain from 'node:domain';
import { EventEmitter } from 'node:events';

/**
 * A domain in name only: it runs, binds and intercepts in place, with nothing tracked. functions-framework
 * uses `on('error', …)` and `run(…)` of the domains it creates (build/src/function_wrappers.js); the rest
 * of the Domain API is here so that nothing that asks for one breaks.
 */
class UntrackedDomain extends EventEmitter {
  readonly members: unknown[] = [];

  run<T>(fn: (...args: unknown[]) => T, ...args: unknown[]): T {
    return fn(...args);
  }

  bind<F extends (...args: never[]) => unknown>(callback: F): F {
    return callback;
  }

  intercept<A extends unknown[], R>(callback: (...args: A) => R): (err: unknown, ...args: A) => R | undefined {
    return (err, ...args) => {
      if (err) {
        this.emit('error', err);
        return undefined;
      }
      return callback(...args);
    };
  }

  add(): void {}
  remove(): void {}
  enter(): void {}
  exit(): void {}
}

let untracked = false;

/**
 * functions-framework 5 runs every request in a new `node:domain` (build/src/function_wrappers.js,
 * wrapHttpFunction), to answer 500 for errors a function leaves uncaught, and offers no option against it.
 * The first Domain a process builds turns on async_hooks for the whole process, for good: from then on
 * every promise calls the domain's hooks, and each request sets and clears the process's uncaught-exception
 * capture. That was about 13 % of the functions' CPU (docs/performance.md, "CPU in the functions").
 *
 * Our handlers need none of it: `defineEventFunction` turns every error of a handler into its status code,
 * and the framework still catches a rejected handler promise (`ret.catch`) without a domain. So, once per
 * process and before functions-framework serves anything, `domain.create` hands out domains in name only.
 * What changes: an exception thrown outside any promise of a handler (none of ours does) is no longer
 * answered 500 on its own request; it reaches functions-framework's uncaughtException handler, which
 * answers 500 and ends the process for Knative to replace. ADR 0014.
 */
export function serveWithoutRequestDomains(): void {
  if (untracked) return;
  untracked = true;
  domain.create = (): domain.Domain => new UntrackedDomain() as unknown as domain.Domain;
}
