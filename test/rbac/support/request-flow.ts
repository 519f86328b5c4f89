/**
 * The moves of a request's life, played by the test: tenants create and delete requests, Tekton writes
 * run status (all with the admin token), and the broker's part — taking the next event a source sent and
 * posting it to the function its Trigger names — is done one event at a time, so every step is exact.
 */
import { HTTP } from 'cloudevents';
import type { CloudEvent } from 'cloudevents';
import { CONFIG_NAME, INTERNAL_REQUESTS, INTERNAL_SERVICES_CONFIGS, PIPELINE_RUNS } from '../../../shared/api/index.js';
import { parseNamespacedName } from '../../../shared/core/index.js';
import type { InternalRequest, PipelineRun } from '../../../shared/api/index.js';
import { RESOURCE_ADD, RESOURCE_UPDATE } from '../../../shared/events/index.js';
import { addCalls, callsOf, callsSince, totalOf } from './call-ledger.js';
import type { Calls } from './call-ledger.js';
import type { RbacSystem } from './system.js';
import { TENANT } from './system.js';

export interface Delivery {
  status: number;
  text: string;
  /** The reply event of a 200. */
  reply: CloudEvent<unknown> | undefined;
}

type Change = 'add' | 'update';
const CHANGE_TYPES: Record<Change, string> = { add: RESOURCE_ADD, update: RESOURCE_UPDATE };

export interface RunState {
  status: 'Unknown' | 'True' | 'False';
  reason: string;
  message?: string;
  results?: Array<{ name: string; value: string }>;
}

/** Where a PipelineRun is. */
export interface RunRef { namespace: string; name: string }

type Data = { metadata?: { deletionTimestamp?: string }; status?: { conditions?: Array<{ reason?: string }> } } | undefined;

function requestManifest(name: string, namespace: string): object {
  return {
    apiVersion: `${INTERNAL_REQUESTS.group}/${INTERNAL_REQUESTS.version}`,
    kind: INTERNAL_REQUESTS.kind,
    metadata: { name, namespace },
    spec: {
      pipeline: { pipelineRef: { resolver: 'cluster', params: [{ name: 'kind', value: 'pipeline' }, { name: 'name', value: 'push-artifacts' }] } },
      params: { snapshot: 'snapshot-1' },
    },
  };
}

/** POSTs the event to the function in binary mode, as the broker does. */
export async function deliver(url: string, event: CloudEvent<unknown>): Promise<Delivery> {
  const message = HTTP.binary(event);
  const res = await fetch(url, { method: 'POST', headers: message.headers as Record<string, string>, body: message.body as string });
  const text = await res.text();
  const headers = Object.fromEntries(res.headers.entries());
  const reply = res.status === 200 ? (HTTP.toEvent({ headers, body: text }) as CloudEvent<unknown>) : undefined;
  return { status: res.status, text, reply };
}

const now = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

export interface DeliveryRecord {
  functionName: string;
  eventType: string;
  /** Every call the function made meanwhile, on either cluster and with either of its identities. */
  calls: Calls;
  /** The same calls by the ServiceAccount (name) they were made as; only those that made any. */
  byIdentity: Record<string, Calls>;
}

export class RequestFlow {
  /** Each delivery so far, in order, with the calls it caused. */
  readonly deliveries: DeliveryRecord[] = [];

  constructor(private readonly system: RbacSystem) {}

  private get serviceNamespace(): string {
    return this.system.install.serviceNamespace;
  }

  /**
   * Posts the event to the function and records the calls made meanwhile. Deliveries run one at a time
   * and the sources are already watching, so every call of the install's identities is the function's.
   */
  async send(functionName: string, event: CloudEvent<unknown>): Promise<Delivery> {
    const fn = this.system.functions[functionName];
    if (!fn) throw new Error(`no function ${functionName} in the install`);
    const before = this.callsPerIdentity();
    const delivery = await deliver(fn.url, event);
    const after = this.callsPerIdentity();
    const byIdentity: Record<string, Calls> = {};
    for (const [name, calls] of Object.entries(after)) {
      const made = callsSince(before[name] ?? {}, calls);
      if (totalOf(made) > 0) byIdentity[name] = made;
    }
    const calls = Object.values(byIdentity).reduce((all, made) => addCalls(all, made), {});
    this.deliveries.push({ functionName, eventType: event.type, calls, byIdentity });
    return delivery;
  }

  /** Function name → its calls over all deliveries so far. */
  callsByFunction(): Record<string, Calls> {
    const byFunction: Record<string, Calls> = {};
    for (const { functionName, calls } of this.deliveries) addCalls((byFunction[functionName] ??= {}), calls);
    return byFunction;
  }

  /** ServiceAccount name → the calls made as it while functions handled events, over all deliveries so far. */
  callsByIdentity(): Record<string, Calls> {
    const byIdentity: Record<string, Calls> = {};
    for (const delivery of this.deliveries) {
      for (const [name, calls] of Object.entries(delivery.byIdentity)) addCalls((byIdentity[name] ??= {}), calls);
    }
    return byIdentity;
  }

  private callsPerIdentity(): Record<string, Calls> {
    const servers = Object.values(this.system.servers);
    return Object.fromEntries(this.system.install.identities.map((identity) => [identity.account.name, callsOf(servers, identity.token)]));
  }

  createRequest(name: string, namespace = TENANT): Promise<InternalRequest> {
    return this.system.admin.public.create<InternalRequest>(INTERNAL_REQUESTS, namespace, requestManifest(name, namespace));
  }

  deleteRequest(ir: InternalRequest): Promise<void> {
    return this.system.admin.public.delete(INTERNAL_REQUESTS, ir.metadata.namespace, ir.metadata.name);
  }

  readRequest(ir: InternalRequest): Promise<InternalRequest | undefined> {
    return this.system.admin.public.get<InternalRequest>(INTERNAL_REQUESTS, ir.metadata.namespace, ir.metadata.name);
  }

  /** The run the request's status names. */
  async runOf(ir: InternalRequest): Promise<RunRef> {
    const current = await this.readRequest(ir);
    const named = parseNamespacedName(current?.status?.pipelineRun ?? '');
    if (!named) throw new Error(`request ${ir.metadata.name} names no PipelineRun: ${JSON.stringify(current?.status)}`);
    return named;
  }

  async readRun(run: RunRef): Promise<PipelineRun | undefined> {
    return this.system.admin.internal.get<PipelineRun>(PIPELINE_RUNS, run.namespace, run.name);
  }

  /** What Tekton writes while a run goes and when it ends. */
  async setRunStatus(run: RunRef, state: RunState): Promise<void> {
    const done = state.status !== 'Unknown';
    const condition = { type: 'Succeeded', status: state.status, reason: state.reason, message: state.message ?? '', lastTransitionTime: now() };
    const status = { startTime: now(), conditions: [condition], ...(done ? { completionTime: now(), results: state.results ?? [] } : {}) };
    await this.system.admin.internal.patchStatus(PIPELINE_RUNS, run.namespace, run.name, { merge: { status } });
  }

  async setConfig(spec: object): Promise<void> {
    await this.system.admin.internal.patch(INTERNAL_SERVICES_CONFIGS, this.serviceNamespace, CONFIG_NAME, { merge: { spec } });
  }

  /** The remote watcher's event for the request; for updates, the one where its deletion began. */
  requestEvent(change: Change, ir: InternalRequest): Promise<CloudEvent<unknown>> {
    const { namespace, name } = ir.metadata;
    return this.eventFor(change, `/namespaces/${namespace}/${INTERNAL_REQUESTS.plural}/${name}`, (data) =>
      change !== 'update' || data?.metadata?.deletionTimestamp !== undefined);
  }

  /** The PipelineRun source's event for the run; for updates, the one whose condition has `reason`. */
  runEvent(change: Change, run: RunRef, reason?: string): Promise<CloudEvent<unknown>> {
    return this.eventFor(change, `/namespaces/${run.namespace}/${PIPELINE_RUNS.plural}/${run.name}`, (data) =>
      reason === undefined || data?.status?.conditions?.[0]?.reason === reason);
  }

  private eventFor(change: Change, subjectEnd: string, matches: (data: Data) => boolean): Promise<CloudEvent<unknown>> {
    return this.system.sink.waitFor(`${change} event for ${subjectEnd}`, (event) =>
      event.type === CHANGE_TYPES[change] && (event.subject ?? '').endsWith(subjectEnd) && matches(event.data as Data));
  }
}
