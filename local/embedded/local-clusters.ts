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

/** The namespaces of the internal cluster: the system's (with the config) and the PipelineRuns'. */
export interface InstallNamespaces {
  service: string;
  pipelineRuns: string;
}

/**
 * Public: the InternalRequest CRD and the tenant namespaces. Internal: the config CRD, Tekton's stand-ins,
 * both namespaces of the install, the tenant namespaces (where their Pipelines live) and the seeded
 * config, whose allowList holds `default` and the tenants.
 */
export async function startLocalClusters(teardown: Teardown, namespaces: InstallNamespaces, ports: LocalClusterPorts, tenants: string[] = []): Promise<LocalClusters> {
  const crds = await readManifestDir(CRD_DIR);
  const publicServer = await startApiServer({ name: 'public', port: ports.public, crds: crdsOfKind(crds, INTERNAL_REQUESTS.kind), namespaces: tenants });
  teardown.add('public API server', () => publicServer.stop());
  const internalServer = await startApiServer({
    name: 'internal',
    port: ports.internal,
    crds: crdsOfKind(crds, INTERNAL_SERVICES_CONFIGS.kind),
    crdFiles: [TEKTON_CRD_FILE],
    namespaces: [...new Set([namespaces.service, namespaces.pipelineRuns, ...tenants])],
  });
  teardown.add('internal API server', () => internalServer.stop());
  await seedConfig(createClusterPort(kubeConfigOf(internalServer), 'internal-seed'), namespaces.service, tenants);
  return { public: publicServer, internal: internalServer };
}

function kubeConfigOf(server: ApiServer): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(server.kubeconfig());
  return kc;
}
