import * as z from 'zod';

/**
 * The metadata fields the functions read. Loose: the API server sends many more (managedFields,
 * ownerReferences, …) and newer servers may add fields; none of them may break parsing.
 */
export const ObjectMetaSchema = z.looseObject({
  name: z.string(),
  namespace: z.string(),
  uid: z.string(),
  resourceVersion: z.string(),
  generation: z.number().int().optional(),
  generateName: z.string().optional(),
  creationTimestamp: z.string().optional(),
  deletionTimestamp: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  finalizers: z.array(z.string()).optional(),
});

export type ObjectMeta = z.infer<typeof ObjectMetaSchema>;
