import type { z } from 'zod';

/** The API server returned an object our schema rejects: a CRD/schema mismatch for an admin to fix. */
export class UnexpectedObjectError extends Error {
  override name = 'UnexpectedObjectError';
}

/** Validates what a cluster returned, at the boundary, so everything after it can trust the types. */
export function parseObject<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
  throw new UnexpectedObjectError(`${what} does not match its schema: ${problems}`);
}
