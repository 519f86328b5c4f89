import type { z } from 'zod';

/** What a sweep read: objects listed, and those its schema refused. */
export interface Listed {
  objects: number;
  unreadable: number;
}

/**
 * The objects of a page that match `schema`. One the schema refuses (a CRD/schema mismatch an admin must
 * fix) is counted and skipped: it fails every function that reads it anyway, and must not stop the sweep.
 */
export function readable<S extends z.ZodType>(page: readonly unknown[], schema: S, listed: Listed): Array<z.output<S>> {
  return page.flatMap((object) => {
    const parsed = schema.safeParse(object);
    listed[parsed.success ? 'objects' : 'unreadable'] += 1;
    return parsed.success ? [parsed.data] : [];
  });
}
