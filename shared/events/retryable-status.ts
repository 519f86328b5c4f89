/**
 * Whether Knative's delivery retries an HTTP answer: 5xx, 404 (a pod still starting), 408, 409, 429.
 * 2xx is success; 3xx, 400, 401, 403 and every other 4xx go straight to the dead-letter sink.
 * Transport errors and timeouts have no status and are always retried. The remote watcher's sender and
 * the local broker both retry by it, as Knative's ApiServerSource and Broker do.
 */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 404 || status === 408 || status === 409 || status === 429;
}
