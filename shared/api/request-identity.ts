import * as z from 'zod';
import { ConditionSchema } from './condition.js';
import { ObjectMetaSchema } from './object-meta.js';

const nonEmpty = z.string().min(1);

/**
 * What an event about an InternalRequest must carry: which object, and which incarnation of its name.
 * The rest is a hint; the handler re-reads the request and judges what the API server holds now.
 */
export const InternalRequestIdentitySchema = z.looseObject({
  metadata: z.looseObject({ namespace: nonEmpty, name: nonEmpty, uid: nonEmpty }),
});

/**
 * What can still be read of a stored request that fails InternalRequestSchema: who it is, and its
 * conditions when they are readable (unreadable ones count as none), enough to mark it Rejected once.
 */
export const InternalRequestShellSchema = z.looseObject({
  metadata: ObjectMetaSchema,
  status: z
    .looseObject({ conditions: z.array(ConditionSchema).optional().catch(undefined) })
    .optional()
    .catch(undefined),
});
export type InternalRequestShell = z.infer<typeof InternalRequestShellSchema>;
