import { PIPELINE_RUNS, PipelineRunSchema, REQUEST_NAME_LABEL } from '../../shared/api/index.js';
import type { InternalRequest } from '../../shared/api/index.js';
import { runKeyOf, summarizeRun } from '../../shared/core/index.js';
import type { RunSummary } from '../../shared/core/index.js';
import type { ClusterPort } from '../../shared/kube/index.js';
import { readable } from './readable.js';
import type { Listed } from './readable.js';

/**
 * The runs of requests in the pipeline-run namespace (those carrying the request labels, as the
 * ApiServerSource selects them), a summary each, read a page at a time. Requests claim theirs as they are
 * swept; what is left is orphaned.
 */
export class RunIndex {
  private constructor(
    private readonly runs: Map<string, RunSummary>,
    readonly listed: Listed,
  ) {}

  static async read(internal: ClusterPort, pipelineRunNamespace: string, limit: number): Promise<RunIndex> {
    const runs = new Map<string, RunSummary>();
    const listed = { objects: 0, unreadable: 0 };
    for await (const page of internal.listPages<unknown>(PIPELINE_RUNS, pipelineRunNamespace, { labelSelector: REQUEST_NAME_LABEL, limit })) {
      for (const run of readable(page, PipelineRunSchema, listed).map(summarizeRun)) runs.set(run.key, run);
    }
    return new RunIndex(runs, listed);
  }

  /** The listed run of `ir`, if any; it is no longer unclaimed. */
  claim(ir: InternalRequest, pipelineRunNamespace: string): RunSummary | undefined {
    const key = runKeyOf(ir, pipelineRunNamespace);
    const run = this.runs.get(key);
    this.runs.delete(key);
    return run;
  }

  /** The runs no swept request claimed. */
  unclaimed(): RunSummary[] {
    return [...this.runs.values()];
  }
}
