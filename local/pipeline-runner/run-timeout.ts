import type { Timeouts } from '../../shared/api/index.js';
import { parseGoDuration, TEKTON_DEFAULT_PIPELINE_TIMEOUT, timeoutsRefusal } from '../../shared/core/index.js';

/** The longest wait setTimeout accepts (2^31 - 1 ms). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Tekton's default when `timeouts.pipeline` is unset. */
export const DEFAULT_PIPELINE_TIMEOUT = TEKTON_DEFAULT_PIPELINE_TIMEOUT.text;

export interface RunTimeout {
  text: string; // as written, for the condition message
  ms: number; // 0 = no timeout
}

/**
 * The run's `timeouts.pipeline`, or why its `timeouts` are invalid. The rules and the Go-duration parser
 * are admission's (shared/core), so the runner refuses exactly the timeouts a request is rejected for.
 */
export function pipelineTimeout(spec: unknown): RunTimeout | string {
  const timeouts = (spec as { timeouts?: unknown } | undefined)?.timeouts;
  const given = typeof timeouts === 'object' && timeouts !== null && !Array.isArray(timeouts) ? (timeouts as Timeouts) : undefined;
  const refusal = timeoutsRefusal(given);
  if (refusal !== undefined) return `invalid timeouts: ${refusal}`;
  const text = typeof given?.pipeline === 'string' ? given.pipeline : DEFAULT_PIPELINE_TIMEOUT;
  return { text, ms: Number(parseGoDuration(text)) / 1e6 };
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
