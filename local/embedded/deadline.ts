/** Bounds a startup wait, so that an unreachable cluster fails the start instead of hanging it. */
export class StartupTimeoutError extends Error {
  override name = 'StartupTimeoutError';
}

export async function within<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new StartupTimeoutError(`${what} did not happen within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}
