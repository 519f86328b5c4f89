import { INTERNAL_REQUESTS, apiVersionOf, requestKeyOf } from '../../shared/api/index.js';
import type { InternalRequest, InternalServicesConfigSpec, RequestKey } from '../../shared/api/index.js';
import { isCompleted, namespacedName, relayRunGone, relayStatus } from '../../shared/core/index.js';
import type { NamespacedName, OrphanRepair, RequestRepair } from '../../shared/core/index.js';
import {
  INTERNAL_REQUEST_COMPLETED,
  INTERNAL_REQUEST_DELETING,
  domainEvent,
  functionSource,
  resourceEvent,
} from '../../shared/events/index.js';
import type { FunctionContext } from '../../shared/http/index.js';
import { ConflictError, ObjectGoneError, patchInternalRequestStatus, readPipelineRun, requestRef, writeRelayedStatus } from '../../shared/kube/index.js';
import { recordAttemptFinished } from '../../shared/observability/index.js';
import type { Logger } from '../../shared/observability/index.js';
import type { Emit } from './event-emitter.js';

type Result = 'done' | 'raced' | 'failed';

/**
 * Carries out the repairs the core decides. Each one stands alone: a lost race (the object changed or went
 * since it was listed) or a failure is counted and logged, never thrown, so one stuck object cannot stop
 * the others; the next sweep tries again.
 */
export class Repairer {
  private readonly tally = new Map<string, number>();

  constructor(
    private readonly name: string,
    private readonly context: FunctionContext,
    private readonly config: InternalServicesConfigSpec,
    private readonly emit: Emit,
    private readonly log: Logger,
  ) {}

  forRequest(ir: InternalRequest, repair: RequestRepair): Promise<void> {
    return this.attempt(repair.repair, `${ir.metadata.namespace}/${ir.metadata.name}`, requestKeyOf(ir), () => this.repairRequest(ir, repair));
  }

  forOrphan(repair: Extract<OrphanRepair, { repair: 'announce-completed' }>): Promise<void> {
    const { request, pipelineRun } = repair;
    return this.attempt('announce-orphan', pipelineRun, requestKeyOf(request), () => this.emit(domainEvent(this.name, INTERNAL_REQUEST_COMPLETED, { ...request, pipelineRun })));
  }

  /** `announce-add 2, relay 1 (1 raced)`, or `nothing to repair`. */
  summary(): string {
    const parts = [...this.tally].map(([what, count]) => `${what} ${count}`);
    return parts.length === 0 ? 'nothing to repair' : parts.join(', ');
  }

  private async repairRequest(ir: InternalRequest, repair: RequestRepair): Promise<void> {
    const ref = requestRef(ir);
    switch (repair.repair) {
      case 'none':
        return;
      case 'announce-add': {
        // The event the remote watcher would have sent: admission re-reads the request and takes it from there.
        const object = { ...ir, apiVersion: apiVersionOf(INTERNAL_REQUESTS), kind: INTERNAL_REQUESTS.kind };
        return this.emit(resourceEvent('add', object, { source: functionSource(this.name), plural: INTERNAL_REQUESTS.plural }));
      }
      case 'announce-deleting':
        return this.emit(domainEvent(this.name, INTERNAL_REQUEST_DELETING, ref));
      case 'announce-completed':
        return this.emit(domainEvent(this.name, INTERNAL_REQUEST_COMPLETED, { ...ref, pipelineRun: repair.pipelineRun }));
      case 'relay':
        return this.relay(ir, repair.run);
    }
  }

  /**
   * What status-relay does with an update or delete event of the run, on the run as it is now. No event of
   * the run's own fits a run that is gone (its last state is unknown), so the sweep writes the status itself.
   */
  private async relay(ir: InternalRequest, run: NamespacedName): Promise<void> {
    const { remote, internal, now } = this.context;
    const pr = await readPipelineRun(internal, run);
    const at = now();
    const patch = pr === undefined ? relayRunGone(ir, { metadata: run }, at) : relayStatus(ir, pr, at);
    if (patch === null) return;
    const current = pr === undefined ? await patchInternalRequestStatus(remote, ir, patch) : await writeRelayedStatus(remote, ir, pr, patch, at);
    if (!isCompleted(current)) return;
    recordAttemptFinished(this.context.metrics, current);
    if (pr !== undefined && !this.config.debug) {
      await this.emit(domainEvent(this.name, INTERNAL_REQUEST_COMPLETED, { ...requestRef(current), pipelineRun: namespacedName(pr) }));
    }
  }

  /** Makes one repair and logs it under the request's key, so that it shows in that request's story. */
  private async attempt(repair: string, object: string, requestKey: RequestKey, work: () => Promise<void>): Promise<void> {
    const result = await work().then(
      (): Result => 'done',
      (err: unknown): Result => {
        if (err instanceof ConflictError || err instanceof ObjectGoneError) return 'raced';
        this.log.log('warn', 'repair failed', { repair, object, ...requestKey, error: err instanceof Error ? err.message : String(err) });
        return 'failed';
      },
    );
    if (result !== 'failed') this.log.log('info', result === 'done' ? 'repaired' : 'repair raced', { repair, object, ...requestKey });
    this.context.metrics.resyncRepairsTotal.inc({ repair, result });
    const key = result === 'done' ? repair : `${repair} ${result}`;
    this.tally.set(key, (this.tally.get(key) ?? 0) + 1);
  }
}
