import * as z from 'zod';
import { GROUP, VERSION } from './group-version.js';
import { ObjectMetaSchema } from './object-meta.js';
import { DNS_LABEL, VOLUME_SIZE } from './patterns.js';
import type { ResourceType } from './resource-type.js';

export const INTERNAL_SERVICES_CONFIGS = {
  group: GROUP,
  version: VERSION,
  plural: 'internalservicesconfigs',
  kind: 'InternalServicesConfig',
} as const satisfies ResourceType;

/** The one config object that counts: `config` in the service namespace. */
export const CONFIG_NAME = 'config';

export const VolumeClaimSchema = z.looseObject({
  name: z.string().regex(DNS_LABEL).default('workspace'),
  size: z.string().regex(VOLUME_SIZE).default('1Gi'),
});
export type VolumeClaim = z.infer<typeof VolumeClaimSchema>;

/**
 * Lists default to empty so callers need no `?? []`; what an empty list means is decided by each
 * admission check (an empty `allowList` rejects everything, the other empty lists restrict nothing).
 */
export const InternalServicesConfigSpecSchema = z.looseObject({
  allowList: z.array(z.string()).default([]),
  allowedGitResolverURLs: z.array(z.string()).default([]),
  allowedResolvers: z.array(z.string()).default([]),
  allowedServiceAccounts: z.array(z.string()).default([]),
  debug: z.boolean().default(false),
  volumeClaim: VolumeClaimSchema.prefault({}),
});
export type InternalServicesConfigSpec = z.infer<typeof InternalServicesConfigSpecSchema>;

export const InternalServicesConfigSchema = z.looseObject({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  metadata: ObjectMetaSchema,
  spec: InternalServicesConfigSpecSchema.prefault({}),
  status: z.looseObject({}).optional(),
});
export type InternalServicesConfig = z.infer<typeof InternalServicesConfigSchema>;

/** What applies when the `config` object does not exist. */
export const DEFAULT_CONFIG_SPEC: InternalServicesConfigSpec = InternalServicesConfigSpecSchema.parse({});
