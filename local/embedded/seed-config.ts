/**
 * The InternalServicesConfig of a fresh local install: knative/private's `config` manifest, with
 * `default` on the allow-list so that the examples run without editing anything, and the tenant
 * namespaces `npm start -- --allow` names.
 */
import { join } from 'node:path';
import { INTERNAL_SERVICES_CONFIGS } from '../../shared/api/index.js';
import type { ClusterPort } from '../../shared/kube/index.js';
import { findManifest, readManifests } from './manifest-files.js';
import type { Manifest } from './manifest-files.js';
import { PRIVATE_DIR } from './project-paths.js';

export const SEEDED_ALLOW_LIST = ['default'];

/** knative/private's config in `serviceNamespace`, allowing `default` and the given tenant namespaces. */
export async function localConfigManifest(serviceNamespace: string, tenants: string[] = []): Promise<Manifest> {
  const manifest = findManifest(await readManifests(join(PRIVATE_DIR, 'config.yaml')), INTERNAL_SERVICES_CONFIGS.kind);
  return {
    ...manifest,
    metadata: { ...manifest.metadata, namespace: serviceNamespace },
    spec: { ...manifest.spec, allowList: [...new Set([...SEEDED_ALLOW_LIST, ...tenants])] },
  };
}

export async function seedConfig(internal: ClusterPort, serviceNamespace: string, tenants: string[] = []): Promise<void> {
  await internal.create(INTERNAL_SERVICES_CONFIGS, serviceNamespace, await localConfigManifest(serviceNamespace, tenants));
}
