import * as z from 'zod';
import { CONDITION_REASON, CONDITION_TYPE } from './patterns.js';

export const ConditionStatusSchema = z.enum(['True', 'False', 'Unknown']);
export type ConditionStatus = z.infer<typeof ConditionStatusSchema>;

/** RFC 3339 date-time, as `format: date-time` in the CRDs. */
export const DateTimeSchema = z.iso.datetime({ offset: true });

/** metav1.Condition's limit on `message`; the CRD enforces it, so a longer message would make the status write fail. */
export const CONDITION_MESSAGE_MAX_LENGTH = 32768;

/** metav1.Condition with the limits the Kubernetes API puts on it. */
export const ConditionSchema = z.looseObject({
  type: z.string().max(316).regex(CONDITION_TYPE),
  status: ConditionStatusSchema,
  observedGeneration: z.number().int().min(0).optional(),
  lastTransitionTime: DateTimeSchema,
  reason: z.string().min(1).max(1024).regex(CONDITION_REASON),
  message: z.string().max(CONDITION_MESSAGE_MAX_LENGTH),
});

export type Condition = z.infer<typeof ConditionSchema>;
