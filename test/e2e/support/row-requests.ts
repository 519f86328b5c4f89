/**
 * The requests of one row of the fault matrix and what became of them: created through the test's own
 * access to the public server, labelled with the row, and judged by what the servers hold at the end and
 * by every PipelineRun ever created (created-runs.ts).
 */
import { INTERNAL_REQUESTS, PIPELINE_RUNS } from '../../../shared/api/index.js';
import type { InternalRequest, PipelineRun } from '../../../shared/api/index.js';
import { pipelineRunName } from '../../../shared/core/index.js';
import type { FaultBed } from './fault-bed.js';
import { PIPELINE_NAMES, REFUSED_NAMESPACE, TENANT_NAMESPACE } from './fault-bed.js';
import { internalRequest } from './manifests.js';

const ROW_LABEL = 'fault-matrix.test/row';

/**
 * What a request asks for, and so how it ends: `hello` succeeds; `until-cancelled` runs until the test
 * deletes the request, and ends gone; `refused` comes from a namespace the allow list leaves out, and
 * ends Rejected without a run.
 */
export type RequestKind = 'hello' | 'until-cancelled' | 'refused';

const END_OF: Record<RequestKind, string> = { hello: 'Succeeded', 'until-cancelled': 'gone', refused: 'Rejected' };

export interface RowOutcome {
  requests: number;
  /** Ended as its kind ends: Succeeded, gone once deleted, or Rejected. */
  completed: number;
  /** PipelineRuns created beyond one per request (a run deleted and created again). */
  duplicateRuns: number;
  /** PipelineRuns of the row's requests that still exist. */
  leftoverRuns: number;
  /** Requests that succeeded without any PipelineRun ever created for them. */
  withoutRun: number;
  /** Names of the requests not completed, with their state. */
  unfinished: string[];
}

interface Tracked {
  namespace: string;
  name: string;
  uid: string;
  kind: RequestKind;
}

function stateOf(ir: InternalRequest | undefined): string {
  const condition = ir?.status?.conditions?.[0];
  if (ir === undefined) return 'gone';
  if (!condition) return 'no status';
  return condition.status === 'True' ? 'Succeeded' : (condition.reason ?? 'Unknown');
}

export class RowRequests {
  private readonly tracked: Tracked[] = [];

  constructor(
    private readonly bed: FaultBed,
    private readonly row: string,
  ) {}

  /** Creates `count` requests of `kind` at once; resolves with their names. */
  async create(count: number, kind: RequestKind = 'hello'): Promise<string[]> {
    const first = this.tracked.length;
    const names = Array.from({ length: count }, (_, i) => `${this.row}-${String(first + i).padStart(2, '0')}`);
    const namespace = kind === 'refused' ? REFUSED_NAMESPACE : TENANT_NAMESPACE;
    const [pipeline, params] = kind === 'until-cancelled' ? [PIPELINE_NAMES.untilCancelled, {}] : [PIPELINE_NAMES.hello, { who: 'world' }];
    const created = await Promise.all(names.map((name) => {
      const manifest = JSON.parse(internalRequest(namespace, name, pipeline, params)) as { metadata: Record<string, unknown> };
      const body = { ...manifest, metadata: { ...manifest.metadata, labels: { [ROW_LABEL]: this.row } } };
      return this.bed.admin.public.create<InternalRequest>(INTERNAL_REQUESTS, namespace, body);
    }));
    for (const ir of created) this.tracked.push({ namespace, name: ir.metadata.name, uid: ir.metadata.uid, kind });
    return names;
  }

  async delete(name: string): Promise<void> {
    const request = this.find(name);
    await this.bed.admin.public.delete(INTERNAL_REQUESTS, request.namespace, name);
  }

  async state(name: string): Promise<string> {
    const request = this.find(name);
    return stateOf(await this.bed.admin.public.get<InternalRequest>(INTERNAL_REQUESTS, request.namespace, name));
  }

  async outcome(): Promise<RowOutcome> {
    const requests = await this.bed.admin.public.list<InternalRequest>(INTERNAL_REQUESTS, undefined, { labelSelector: `${ROW_LABEL}=${this.row}` });
    const byName = new Map(requests.map((ir) => [ir.metadata.name, ir]));
    const runNames = new Set(this.tracked.map((t) => pipelineRunName(t.uid)));
    const existing = await this.bed.admin.internal.list<PipelineRun>(PIPELINE_RUNS, undefined);
    const outcome: RowOutcome = { requests: this.tracked.length, completed: 0, duplicateRuns: 0, leftoverRuns: 0, withoutRun: 0, unfinished: [] };
    for (const request of this.tracked) {
      const state = stateOf(byName.get(request.name));
      const created = this.bed.runs.createdUnder(pipelineRunName(request.uid));
      if (state === END_OF[request.kind]) outcome.completed++;
      else outcome.unfinished.push(`${request.name}: ${state}, expected ${END_OF[request.kind]}`);
      if (state === 'Succeeded' && created === 0) outcome.withoutRun++;
      outcome.duplicateRuns += Math.max(0, created - 1);
    }
    outcome.leftoverRuns = existing.filter((pr) => runNames.has(pr.metadata.name)).length;
    return outcome;
  }

  private find(name: string): Tracked {
    const request = this.tracked.find((t) => t.name === name);
    if (!request) throw new Error(`${name} is not a request of row ${this.row}`);
    return request;
  }

  /** Every request completed and none of their runs left. */
  async finished(): Promise<boolean> {
    const { completed, requests, leftoverRuns } = await this.outcome();
    return completed === requests && leftoverRuns === 0;
  }
}
