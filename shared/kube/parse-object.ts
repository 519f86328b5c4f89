import type { z } from 'zod';

/** The API server returned an object our schema rejects: a CRD/schema mismatch for an admin to fix. */
export class UnexpectedObjectError extends Error {
  override name = 'UnexpectedObjectError';
}

/** Each problem as `<field path>: <what is wrong>`, so a message names the field. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

/** Validates what a cluster returned, at the boundary, so everything after it can trust the types. */
export function parseObject<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new UnexpectedObjectError(`${what} does not match its schema: ${describeIssues(parsed.error)}`);
}
