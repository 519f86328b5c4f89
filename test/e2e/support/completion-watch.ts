/**
 * Learns when requests complete from one watch opened before the measurement starts, so that
 * waiting adds no API calls to the counts being measured and no polling delay to the latencies.
 */
import { KubeConfig, Watch } from '@kubernetes/client-node';
import { INTERNAL_REQUESTS } from '../../../shared/api/index.js';

interface WatchedRequest {
  metadata?: { name?: string };
  status?: { conditions?: Array<{ type: string; status: string; reason?: string }> };
}

export interface CompletionWatch {
  /** Resolves with the reason and the time it was seen once `name` has a final Succeeded condition. */
  completed(name: string): Promise<{ reason: string; at: number }>;
  stop(): void;
}

function finalReason(request: WatchedRequest): string | undefined {
  const condition = request.status?.conditions?.find((c) => c.type === 'Succeeded');
  if (!condition || (condition.status === 'False' && condition.reason === 'Running')) return undefined;
  return condition.status === 'True' ? 'Succeeded' : condition.reason;
}

export async function watchCompletions(kubeconfig: string, namespace: string): Promise<CompletionWatch> {
  const seen = new Map<string, { reason: string; at: number }>();
  const waiters = new Map<string, (value: { reason: string; at: number }) => void>();
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const path = `/apis/${INTERNAL_REQUESTS.group}/${INTERNAL_REQUESTS.version}/namespaces/${namespace}/${INTERNAL_REQUESTS.plural}`;
  const onEvent = (_type: string, object: WatchedRequest): void => {
    const name = object.metadata?.name ?? '';
    const reason = finalReason(object);
    if (reason === undefined || seen.has(name)) return;
    const completion = { reason, at: performance.now() };
    seen.set(name, completion);
    waiters.get(name)?.(completion);
  };
  const controller = await new Watch(kc).watch(path, {}, onEvent, () => undefined);
  return {
    completed: (name) => {
      const known = seen.get(name);
      return known ? Promise.resolve(known) : new Promise((resolve) => waiters.set(name, resolve));
    },
    stop: () => controller.abort(),
  };
}
