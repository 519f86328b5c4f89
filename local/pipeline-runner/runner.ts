import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { createClusterPort } from '../../shared/kube/client-port.js';
import { NotFoundError } from '../../shared/kube/errors.js';
import type { ClusterPort } from '../../shared/kube/port.js';
import { loadKubeConfig } from '../../shared/kube/kubeconfig.js';
import { kubeTime } from '../../shared/api/kube-time.js';
import { PIPELINE_RUNS } from '../../shared/api/pipeline-run.js';
import { requestKeyOf } from '../../shared/api/request-key.js';
import { apiVersionOf } from '../../shared/api/resource-type.js';
import { isPipelineRunDone } from '../../shared/core/pipeline-run-state.js';
import { errorText } from '../../shared/observability/error-text.js';
import { createLogger } from '../../shared/observability/logger.js';
import type { LogFields, Logger } from '../../shared/observability/logger.js';
import { KeyedQueue, KubeReader, watchResources } from '../../shared/watch/index.js';
import type { ChangeKind, Delay, KubeObject, ResourceWatch } from '../../shared/watch/index.js';
import { GitCache } from './git-cache.js';
import { executePipeline } from './pipeline-executor.js';
import { PipelineResolutionError, resolvePipeline } from './resolve-pipeline.js';
import type { TektonSources } from './resolve-ref.js';
import { failedStatus, isPending, outcomeStatus, runningStatus, stoppedStatus, stopRequested } from './run-status.js';
import type { RunStatusPatch, StopReason } from './run-status.js';
import { armTimeout, pipelineTimeout } from './run-timeout.js';
import type { RunTimeout } from './run-timeout.js';
import type { PipelineRunObject } from './tekton-types.js';

export const PIPELINES = { group: 'tekton.dev', version: 'v1', plural: 'pipelines', kind: 'Pipeline' } as const;
export const TASKS = { group: 'tekton.dev', version: 'v1', plural: 'tasks', kind: 'Task' } as const;

export interface PipelineRunnerOptions {
  /** A kubeconfig file path or a loaded KubeConfig; the in-cluster service account when absent. */
  kubeconfig?: string | KubeConfig;
  namespace?: string; // all namespaces when unset
  concurrency?: number; // runs executing at once
  workRoot?: string; // parent of the per-run temp directories (the OS temp dir by default)
  keepWorkDirs?: boolean; // keep scripts, logs and result files after a run, for debugging
  /** Where the git resolver keeps its repositories; unset: a temp folder, removed by stop(). */
  gitCacheDir?: string;
  /** Added to the environment of the git commands, e.g. GIT_CONFIG_GLOBAL with `url.<mirror>.insteadOf` rules. */
  gitEnv?: NodeJS.ProcessEnv;
  now?: () => Date;
  log?: Logger;
  reconnectDelay?: Delay;
}

export interface PipelineRunner {
  /** Resolves once the PipelineRuns that existed at start have been seen. */
  readonly synced: Promise<void>;
  /** Resolves when no run is queued or executing. */
  idle(): Promise<void>;
  /** Stops watching and kills running steps; their runs stay Running and restart with the next runner. */
  stop(): Promise<void>;
}

/**
 * Executes Tekton PipelineRuns on a cluster without Tekton: each task's steps run as local processes,
 * and the run's status is written the way Tekton writes it. Pipelines and Tasks come inline, from the
 * cluster, or from git through the system's `git` (see git-cache).
 */
export function startPipelineRunner(options: PipelineRunnerOptions = {}): PipelineRunner {
  return new LocalPipelineRunner(options);
}

class LocalPipelineRunner implements PipelineRunner {
  private readonly active = new Map<string, AbortController>(); // uid → queued or executing run
  private readonly finished = new Set<string>(); // uids whose final status this runner wrote
  private readonly queue: KeyedQueue;
  private readonly cluster: ClusterPort;
  private readonly sources: TektonSources;
  private temporaryGitCache: Promise<string> | undefined;
  private readonly watch: ResourceWatch;
  private readonly log: Logger;
  private readonly now: () => Date;
  readonly synced: Promise<void>;

  constructor(private readonly o: PipelineRunnerOptions) {
    const kc = typeof o.kubeconfig === 'object' ? o.kubeconfig : loadKubeConfig(o.kubeconfig);
    this.cluster = createClusterPort(kc, 'internal');
    const temporaryCache = (): Promise<string> => (this.temporaryGitCache ??= mkdtemp(join(tmpdir(), 'pipeline-runner-git-')));
    const git = new GitCache({ dir: o.gitCacheDir ?? temporaryCache, env: o.gitEnv });
    this.sources = {
      get: (kind, namespace, name) => this.cluster.get(kind === 'Task' ? TASKS : PIPELINES, namespace, name),
      gitFile: (ref, signal) => git.readFile(ref, signal),
    };
    this.queue = new KeyedQueue(o.concurrency ?? 2);
    this.log = o.log ?? createLogger({ component: 'pipeline-runner' });
    this.now = o.now ?? (() => new Date());
    this.watch = watchResources({
      reader: new KubeReader(kc),
      resource: { apiVersion: apiVersionOf(PIPELINE_RUNS), kind: PIPELINE_RUNS.kind, plural: PIPELINE_RUNS.plural },
      namespace: o.namespace,
      handlers: { onChange: (kind, obj) => this.onChange(kind, obj), onRelist: (objects) => this.forgetMissing(objects) },
      log: this.log,
      delay: o.reconnectDelay,
    });
    this.synced = this.watch.synced;
  }

  idle(): Promise<void> {
    return this.queue.drain();
  }

  async stop(): Promise<void> {
    await this.watch.stop();
    for (const controller of this.active.values()) controller.abort('RunnerStopped');
    await this.queue.drain();
    if (this.temporaryGitCache) await rm(await this.temporaryGitCache, { recursive: true, force: true });
  }

  private onChange(kind: ChangeKind, obj: KubeObject): void {
    const run = obj as unknown as PipelineRunObject;
    const uid = run.metadata.uid;
    const controller = this.active.get(uid);
    if (kind === 'delete') {
      controller?.abort('Deleted');
      this.finished.delete(uid);
    } else if (controller) {
      if (stopRequested(run)) controller.abort('Cancelled');
    } else if (!this.finished.has(uid) && !isPipelineRunDone(run) && !isPending(run)) {
      this.enqueue(run);
    }
  }

  private forgetMissing(objects: KubeObject[]): void {
    const present = new Set(objects.map((o) => o.metadata?.uid));
    for (const uid of this.finished) if (!present.has(uid)) this.finished.delete(uid);
  }

  private enqueue(run: PipelineRunObject): void {
    const controller = new AbortController();
    if (stopRequested(run)) controller.abort('Cancelled');
    this.active.set(run.metadata.uid, controller);
    this.queue.push(run.metadata.uid, async () => {
      try {
        if (await this.execute(run, controller.signal)) this.finished.add(run.metadata.uid);
      } catch (err) {
        this.log.log('error', 'pipelinerun could not be executed', { ...identity(run), error: errorText(err) });
      } finally {
        this.active.delete(run.metadata.uid);
      }
    });
  }

  /** Runs one PipelineRun to its end; true when its final status was written (or it is gone). */
  private async execute(run: PipelineRunObject, signal: AbortSignal): Promise<boolean> {
    const startTime = run.status?.startTime ?? kubeTime(this.now());
    const timeout = pipelineTimeout(run.spec);
    if (typeof timeout === 'string') return this.finish(run, failedStatus('PipelineValidationFailed', timeout, startTime, this.stamp()));
    if (signal.aborted) return this.finish(run, this.stopped(run, signal, timeout, startTime));
    const controller = new AbortController();
    const forward = (): void => controller.abort(signal.reason);
    signal.addEventListener('abort', forward, { once: true });
    const disarm = armTimeout(controller, timeout, startTime, this.now());
    try {
      if (!(await this.patch(run, runningStatus(startTime, this.stamp())))) return true;
      return await this.finish(run, await this.runToEnd(run, controller.signal, timeout, startTime));
    } finally {
      disarm();
      signal.removeEventListener('abort', forward);
    }
  }

  private async runToEnd(run: PipelineRunObject, signal: AbortSignal, timeout: RunTimeout, startTime: string): Promise<RunStatusPatch | undefined> {
    // Named, not made: the first task with steps (or a workspace) makes it, so a run of step-less tasks
    // touches no disk at all; the random part keeps two executions of one run apart, as mkdtemp would.
    const runDir = join(this.o.workRoot ?? tmpdir(), `${run.metadata.name}-${randomBytes(4).toString('hex')}`);
    try {
      const pipeline = await resolvePipeline(run, this.sources, signal);
      if (signal.aborted) return this.stopped(run, signal, timeout, startTime);
      this.log.log('info', 'pipelinerun started', { ...identity(run), pipeline: pipeline.name, workDir: runDir });
      const params = pipeline.runSpec.params ?? [];
      const log = this.log.child(identity(run));
      const outcome = await executePipeline({
        spec: pipeline.spec, pipelineName: pipeline.name, pipelineNamespace: pipeline.namespace, sources: this.sources, run: run.metadata, params, runDir, signal, log,
      });
      if (outcome.aborted) return this.stopped(run, signal, timeout, startTime);
      return outcomeStatus(run, outcome, startTime, this.stamp());
    } catch (err) {
      if (signal.aborted) return this.stopped(run, signal, timeout, startTime); // e.g. cancelled while git was fetching
      if (!(err instanceof PipelineResolutionError)) throw err;
      return failedStatus(err.reason, err.message, startTime, this.stamp());
    } finally {
      if (!this.o.keepWorkDirs) await rm(runDir, { recursive: true, force: true });
    }
  }

  /** The status for a run stopped through its signal; undefined when nothing should be written. */
  private stopped(run: PipelineRunObject, signal: AbortSignal, timeout: RunTimeout, startTime: string): RunStatusPatch | undefined {
    const why = signal.reason as StopReason | 'Deleted' | 'RunnerStopped';
    if (why === 'Deleted' || why === 'RunnerStopped') return undefined;
    return stoppedStatus(run, why, timeout.text, startTime, this.stamp());
  }

  private async finish(run: PipelineRunObject, status: RunStatusPatch | undefined): Promise<boolean> {
    if (!status) return false;
    const written = await this.patch(run, status);
    const condition = (status.status['conditions'] as Array<{ reason: string }>)[0];
    if (written) this.log.log('info', 'pipelinerun finished', { ...identity(run), reason: condition?.reason });
    return true;
  }

  /** Merge-patches the status subresource; false when the run no longer exists. */
  private async patch(run: PipelineRunObject, patch: RunStatusPatch): Promise<boolean> {
    try {
      await this.cluster.patchStatus(PIPELINE_RUNS, run.metadata.namespace, run.metadata.name, { merge: patch });
      return true;
    } catch (err) {
      if (err instanceof NotFoundError) return false;
      throw err;
    }
  }

  private stamp(): string {
    return kubeTime(this.now());
  }
}

/** The run, and the request it runs for (`request`, `requestUid`), so the runner's lines join that request's story. */
function identity(run: PipelineRunObject): LogFields {
  return { namespace: run.metadata.namespace, name: run.metadata.name, ...requestKeyOf({ kind: 'PipelineRun', metadata: run.metadata }) };
}
