/**
 * The two clusters of a local install, as in-process API servers: the public one where tenants
 * create InternalRequests, and the internal one with the config and the Tekton resources.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { startApiServer } from '../apiserver/index.js';
import type { ApiServer } from '../apiserver/index.js';
import { INTERNAL_REQUESTS, INTERNAL_SERVICES_CONFIGS } from '../../shared/api/index.js';
import { createClusterPort } from '../../shared/kube/index.js';
import { readManifestDir } from './manifest-files.js';
import type { Manifest } from './manifest-files.js';
import { CRD_DIR, TEKTON_CRD_FILE } from './project-paths.js';
import { seedConfig } from './seed-config.js';
import type { Teardown } from './teardown.js';

export interface LocalClusters {
  public: ApiServer;
  internal: ApiServer;
}

export interface LocalClusterPorts {
  public: number;
  internal: number;
}

function crdsOfKind(crds: Manifest[], kind: string): Manifest[] {
  return crds.filter((crd) => (crd.spec?.['names'] as { kind?: string } | undefined)?.kind === kind);
}

/** Public: the InternalRequest CRD. Internal: the config CRD, Tekton's stand-ins, the service namespace and the seeded config. */
export async function startLocalClusters(teardown: Teardown, serviceNamespace: string, ports: LocalClusterPorts): Promise<LocalClusters> {
  const crds = await readManifestDir(CRD_DIR);
  const publicServer = await startApiServer({ name: 'public', port: ports.public, crds: crdsOfKind(crds, INTERNAL_REQUESTS.kind) });
  teardown.add('public API server', () => publicServer.stop());
  const internalServer = await startApiServer({
    name: 'internal',
    port: ports.internal,
    crds: crdsOfKind(crds, INTERNAL_SERVICES_CONFIGS.kind),
    crdFiles: [TEKTON_CRD_FILE],
    namespaces: [serviceNamespace],
  });
  teardown.add('internal API server', () => internalServer.stop());
  await seedConfig(createClusterPort(kubeConfigOf(internalServer), 'internal-seed'), serviceNamespace);
  return { public: publicServer, internal: internalServer };
}

function kubeConfigOf(server: ApiServer): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(server.kubeconfig());
  return kc;
}
