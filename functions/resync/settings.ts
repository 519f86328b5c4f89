/** The sweep's own setting: how many objects one list page may hold (RESYNC_PAGE_SIZE). */
const DEFAULT_PAGE_SIZE = 500;

export class PageSizeError extends Error {
  override name = 'PageSizeError';
}

/** 500 by default, as kubectl and client-go page: few calls per sweep, bounded memory per page. */
export function pageSizeFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.RESYNC_PAGE_SIZE?.trim();
  if (!text) return DEFAULT_PAGE_SIZE;
  const size = Number(text);
  if (!Number.isInteger(size) || size < 1) throw new PageSizeError(`RESYNC_PAGE_SIZE must be a whole number ≥ 1, not "${text}"`);
  return size;
}
