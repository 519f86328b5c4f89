/**
 * Tekton's rules for PipelineRun `spec.timeouts` (pipeline/v1 PipelineRunSpec validation, after its
 * defaulting), checked on the request so that it is rejected with a message instead of its PipelineRun
 * being refused at create.
 */
import type { Timeouts } from '../api/index.js';
import { GoDurationOverflowError, InvalidGoDurationError, MAX_GO_DURATION, parseGoDuration } from './go-duration.js';

/**
 * Tekton's defaulting sets `timeouts.pipeline` to default-timeout-minutes (60 unless the cluster's
 * config-defaults says otherwise) before validating, so tasks and finally are held to it.
 */
export const TEKTON_DEFAULT_PIPELINE_TIMEOUT = { text: '1h0m0s', ns: 3_600_000_000_000n } as const;

const FIELDS = ['pipeline', 'tasks', 'finally'] as const;
type Field = (typeof FIELDS)[number];

interface Timeout {
  field: string;
  text: string;
  ns: bigint;
}

function fieldText({ field, text }: Pick<Timeout, 'field' | 'text'>): string {
  return `spec.timeouts.${field} (${text})`;
}

function parsed(field: string, text: string): Timeout | string {
  try {
    const ns = parseGoDuration(text);
    return ns < 0n ? `${fieldText({ field, text })} is negative: a timeout is 0 (no timeout) or longer` : { field, text, ns };
  } catch (err) {
    if (err instanceof GoDurationOverflowError) {
      return `${fieldText({ field, text })} is out of range: a Go duration is at most ${MAX_GO_DURATION}`;
    }
    if (err instanceof InvalidGoDurationError) return `${fieldText({ field, text })} is not a duration such as 1h30m0s`;
    throw err;
  }
}

/** Each string entry as a duration, or why one is not; other keys are kept by the schema but not ours to judge. */
function parseAll(timeouts: Timeouts): Partial<Record<Field, Timeout>> | string {
  const result: Partial<Record<Field, Timeout>> = {};
  for (const [field, text] of Object.entries(timeouts)) {
    if (typeof text !== 'string') continue;
    const timeout = parsed(field, text);
    if (typeof timeout === 'string') return timeout;
    if ((FIELDS as readonly string[]).includes(field)) result[field as Field] = timeout;
  }
  return result;
}

function pipelineName(pipeline: Timeout | undefined): string {
  return pipeline === undefined
    ? `the pipeline timeout (${TEKTON_DEFAULT_PIPELINE_TIMEOUT.text}, Tekton's default when spec.timeouts.pipeline is not set)`
    : fieldText(pipeline);
}

/** Tekton: under a bounded pipeline, tasks and finally must be bounded too and no longer than it. */
function partRefusal(part: Timeout | undefined, pipelineNs: bigint, pipeline: string): string | undefined {
  if (part === undefined || pipelineNs === 0n) return undefined;
  if (part.ns === 0n) return `${fieldText(part)} means no timeout, which does not fit within ${pipeline}`;
  return part.ns > pipelineNs ? `${fieldText(part)} is longer than ${pipeline}` : undefined;
}

/**
 * Tekton compares tasks + finally with the pipeline even when the pipeline is 0 (no timeout), so then
 * only 0 + 0 passes. The sum is an int64 in Go, which wraps past its largest duration; a wrapped sum is
 * negative and passes, so it does here too.
 */
function sumRefusal(
  tasks: Timeout | undefined,
  final: Timeout | undefined,
  pipelineNs: bigint,
  pipeline: string,
): string | undefined {
  if (tasks === undefined || final === undefined) return undefined;
  if (BigInt.asIntN(64, tasks.ns + final.ns) <= pipelineNs) return undefined;
  const because = pipelineNs === 0n ? ': Tekton adds them up even when the pipeline has no timeout' : '';
  return `${fieldText(tasks)} + ${fieldText(final)} is longer than ${pipeline}${because}`;
}

/** Why Tekton would refuse a PipelineRun with these timeouts, or undefined when it would accept them. */
export function timeoutsRefusal(timeouts: Timeouts | undefined): string | undefined {
  if (timeouts === undefined) return undefined;
  const given = parseAll(timeouts);
  if (typeof given === 'string') return given;
  const pipelineNs = given.pipeline?.ns ?? TEKTON_DEFAULT_PIPELINE_TIMEOUT.ns;
  const pipeline = pipelineName(given.pipeline);
  return (
    partRefusal(given.tasks, pipelineNs, pipeline) ??
    partRefusal(given.finally, pipelineNs, pipeline) ??
    sumRefusal(given.tasks, given.finally, pipelineNs, pipeline)
  );
}
