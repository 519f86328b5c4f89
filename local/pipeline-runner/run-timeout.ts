import { parseGoDuration } from './duration.js';

/** The longest wait setTimeout accepts (2^31 - 1 ms). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Tekton's default when `timeouts.pipeline` is unset. */
export const DEFAULT_PIPELINE_TIMEOUT = '1h0m0s';

export interface RunTimeout {
  text: string; // as written, for the condition message
  ms: number; // 0 = no timeout
}

/** The run's `timeouts.pipeline`; throws InvalidDurationError when it is not a Go duration. */
export function pipelineTimeout(spec: unknown): RunTimeout {
  const written = (spec as { timeouts?: { pipeline?: unknown } } | undefined)?.timeouts?.pipeline;
  const text = typeof written === 'string' ? written : DEFAULT_PIPELINE_TIMEOUT;
  return { text, ms: parseGoDuration(text) };
}

/**
 * Aborts `controller` with 'PipelineRunTimeout' when the timeout, counted from `startTime`, runs out
 * (at once if it already has). Returns the function that disarms it.
 */
export function armTimeout(controller: AbortController, timeout: RunTimeout, startTime: string, now: Date): () => void {
  if (timeout.ms === 0) return () => undefined;
  const left = Math.max(0, timeout.ms - (now.getTime() - Date.parse(startTime)));
  // Node fires a longer timer at once; no local run lasts the 24.8 days it could wait.
  if (left > MAX_TIMER_MS) return () => undefined;
  const timer = setTimeout(() => controller.abort('PipelineRunTimeout'), left);
  return () => clearTimeout(timer);
}
