/** Every object ever added under a collection path, by name, learnt from one watch opened first. */
import { KubeConfig, Watch } from '@kubernetes/client-node';

export interface AddedObjects {
  readonly names: ReadonlySet<string>;
  stop(): void;
}

export async function watchAdded(kubeconfig: string, path: string): Promise<AddedObjects> {
  const names = new Set<string>();
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const onEvent = (type: string, object: { metadata?: { name?: string } }): void => {
    if (type === 'ADDED' && object.metadata?.name) names.add(object.metadata.name);
  };
  const controller = await new Watch(kc).watch(path, {}, onEvent, () => undefined);
  return { names, stop: () => controller.abort() };
}
