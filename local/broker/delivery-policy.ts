/**
 * Knative's delivery spec (duck v1 DeliverySpec) and how its dispatcher applies it: which answers
 * are retried, how long it waits between attempts, how long one attempt may take.
 */
import { parseIsoDuration } from './iso-duration.js';

export { isRetryableStatus } from '../../shared/events/retryable-status.js';

export interface DeliverySpec {
  retry?: number;
  backoffPolicy?: 'linear' | 'exponential';
  backoffDelay?: string;
  timeout?: string;
  deadLetterSink?: { ref?: { apiVersion?: string; kind?: string; name: string }; uri?: string };
}

/** The cluster default of the MTChannelBasedBroker (config-br-defaults) when no spec is given. */
export const DEFAULT_DELIVERY: DeliverySpec = { retry: 10, backoffPolicy: 'exponential', backoffDelay: 'PT0.2S' };

/** A Trigger's own delivery spec wins; otherwise the Broker's; otherwise the cluster default. */
export function effectiveDelivery(trigger: DeliverySpec | undefined, broker: DeliverySpec | undefined): DeliverySpec {
  return trigger ?? broker ?? DEFAULT_DELIVERY;
}

/** How many attempts in all: the first plus `retry`. */
export function maxAttempts(spec: DeliverySpec): number {
  return 1 + Math.max(0, spec.retry ?? 0);
}

/**
 * The wait after failed attempt number `failed` (1-based). Knative hands the retry library a
 * zero-based counter: exponential waits delay·2^(n-1), linear delay·(n-1), and without both a
 * policy and a delay it retries at once.
 */
export function backoffMs(spec: DeliverySpec, failed: number): number {
  if (!spec.backoffPolicy || !spec.backoffDelay) return 0;
  const delay = parseIsoDuration(spec.backoffDelay);
  const n = failed - 1;
  return spec.backoffPolicy === 'exponential' ? delay * 2 ** n : delay * n;
}

/** Per-attempt timeout in ms, or undefined when the spec sets none. */
export function attemptTimeoutMs(spec: DeliverySpec): number | undefined {
  return spec.timeout === undefined ? undefined : parseIsoDuration(spec.timeout);
}
