/**
 * The kubeconfig Secrets knative/public/mint-kubeconfig.sh stores on the private cluster, and which
 * Secret a workload's REMOTE_KUBECONFIG comes from: the link from a workload's manifest to the public
 * ServiceAccount it acts as. test/knative/mint-kubeconfig.test.ts proves the script keeps to it.
 */
import type { KubeObject } from './render.js';

/** Secret on the private cluster → the public ServiceAccount (namespace internal-services) whose token it holds. */
export const MINTED_KUBECONFIGS: Readonly<Record<string, string>> = {
  'remote-kubeconfig-watcher': 'internal-services-watcher',
  'remote-kubeconfig-functions': 'internal-services-functions',
  'remote-kubeconfig-resync': 'internal-services-resync',
};

export interface MountingContainer {
  env?: Array<{ name: string; value?: string }>;
  volumeMounts?: Array<{ name: string; mountPath: string; readOnly?: boolean }>;
}

export interface MountingPodSpec {
  containers?: MountingContainer[];
  volumes?: Array<{ name: string; secret?: { secretName: string } }>;
}

export function podSpecOf(workload: KubeObject): MountingPodSpec {
  return (workload['spec'] as { template?: { spec?: MountingPodSpec } } | undefined)?.template?.spec ?? {};
}

/** The Secret a path in the container comes from, if it lies under a read-only Secret mount. */
export function secretBehind(spec: MountingPodSpec, container: MountingContainer, path: string): string | undefined {
  const mount = (container.volumeMounts ?? []).find((m) => path.startsWith(`${m.mountPath}/`) && m.readOnly === true);
  return spec.volumes?.find((v) => v.name === mount?.name)?.secret?.secretName;
}

/** The Secret behind the REMOTE_KUBECONFIG of the workload's (first) container, if any. */
export function remoteKubeconfigSecret(workload: KubeObject): string | undefined {
  const spec = podSpecOf(workload);
  const [container] = spec.containers ?? [];
  const path = container?.env?.find((e) => e.name === 'REMOTE_KUBECONFIG')?.value;
  return container && path !== undefined ? secretBehind(spec, container, path) : undefined;
}

/** Every Secret the workload's pod mounts as a volume. */
export function mountedSecrets(workload: KubeObject): string[] {
  return (podSpecOf(workload).volumes ?? []).flatMap((v) => (v.secret ? [v.secret.secretName] : []));
}
