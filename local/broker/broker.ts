/**
 * A local stand-in for a Knative Broker: routes each event to every matching Trigger of the
 * knative/ manifests, retries per the delivery spec, puts reply events back in, and keeps dead
 * letters in memory for inspection.
 */
import { setMaxListeners } from 'node:events';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CloudEventV1 } from 'cloudevents';
import type { DeadLetter } from './dead-letter.js';
import { withErrorExtensions } from './dead-letter.js';
import { decodeEvent, envelopeOf, eventOf } from './decode-event.js';
import type { Envelope } from './decode-event.js';
import type { AttemptRecord, DeliveryDeps } from './deliver.js';
import type { EventAnswer, EventMessage } from '../../shared/events/index.js';
import type { InProcessSubscriber } from './dispatch.js';
import { deliver } from './deliver.js';
import { matchesFilter } from './filter.js';
import type { Ingress } from './ingress.js';
import { startIngress } from './ingress.js';
import type { ResolvedRoute } from './subscribers.js';
import { resolveRoutes } from './subscribers.js';
import type { BrokerManifest, Routing } from './trigger-manifests.js';
import { loadRouting } from './trigger-manifests.js';

export interface LocalBrokerOptions {
  /** Knative Service name → URL of the process serving it (e.g. `{ admission: 'http://127.0.0.1:8081/' }`). */
  subscribers: Readonly<Record<string, string>>;
  /** Subscribers served in this process, by their URL: each is handed its events' messages directly, without HTTP (ADR 0016). */
  inProcess?: ReadonlyMap<string, InProcessSubscriber>;
  /** Where the Broker and Trigger manifests are; default `./knative`. Ignored when `routing` is given. */
  manifestsDir?: string;
  routing?: Routing;
  /** Which Broker of the manifests this is; default the only one there. */
  brokerName?: string;
  /** Waits between attempts; inject a fake in tests. Default: real time. */
  delay?: (ms: number) => Promise<void>;
  /** Signal that aborts an attempt after the delivery spec's timeout. Default: a timer of the broker's own. */
  timeoutSignal?: (ms: number) => AbortSignal;
  /** Reply chains longer than this are dead-lettered (code 508) instead of looping forever. */
  maxReplyHops?: number;
  onAttempt?: (record: AttemptRecord) => void;
}

export class BrokerNotFoundError extends Error {
  override name = 'BrokerNotFoundError';
}

const LOOP_DETECTED = 508;

function pickBroker(routing: Routing, name: string | undefined): BrokerManifest {
  const candidates = name === undefined ? routing.brokers : routing.brokers.filter((b) => b.name === name);
  if (candidates.length === 1 && candidates[0]) return candidates[0];
  throw new BrokerNotFoundError(`expected one Broker${name === undefined ? '' : ` named ${name}`}, found ${candidates.length}`);
}

export class LocalBroker {
  readonly name: string;
  private readonly routes: ResolvedRoute[];
  private readonly deps: DeliveryDeps;
  private readonly maxReplyHops: number;
  private readonly closing = new AbortController();
  private readonly letters: DeadLetter[] = [];
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];
  private ingress: Ingress | undefined;

  private constructor(broker: BrokerManifest, routes: ResolvedRoute[], options: LocalBrokerOptions) {
    this.name = broker.name;
    this.routes = routes;
    this.maxReplyHops = options.maxReplyHops ?? 64;
    const closed = this.closing.signal;
    // Every attempt in flight and every wait before a retry listens for the close: no bound fits them all.
    setMaxListeners(0, closed);
    this.deps = {
      delay: options.delay ?? ((ms) => sleep(ms, undefined, { signal: closed }).catch(() => undefined)),
      ...(options.timeoutSignal ? { timeoutSignal: options.timeoutSignal } : {}),
      closed,
      ...(options.onAttempt ? { onAttempt: options.onAttempt } : {}),
    };
  }

  static async create(options: LocalBrokerOptions): Promise<LocalBroker> {
    const routing = options.routing ?? (await loadRouting(options.manifestsDir ?? resolve('knative')));
    const broker = pickBroker(routing, options.brokerName);
    return new LocalBroker(broker, resolveRoutes(broker, routing.triggers, options.subscribers, options.inProcess), options);
  }

  /** Names of the Triggers this broker routes by, in manifest order. */
  get triggers(): string[] {
    return this.routes.map((route) => route.trigger.name);
  }

  /** Each Trigger's subscriber URL, and whether the subscriber is handed its events in this process, without HTTP. */
  get deliveries(): Array<{ trigger: string; url: string; inProcess: boolean }> {
    return this.routes.map((route) => ({ trigger: route.trigger.name, url: route.url, inProcess: route.inProcess !== undefined }));
  }

  get deadLetters(): readonly DeadLetter[] {
    return this.letters;
  }

  /** The ingress address (K_SINK for sources) once `listen` has run. */
  get url(): string | undefined {
    return this.ingress?.url;
  }

  /** True when no delivery, retry wait or reply is pending. */
  get idle(): boolean {
    return this.inFlight === 0;
  }

  whenIdle(): Promise<void> {
    return this.idle ? Promise.resolve() : new Promise((done) => this.idleWaiters.push(done));
  }

  /** Accepts an event as the ingress does: delivery happens in the background. */
  publish(event: CloudEventV1<unknown>): void {
    this.route(envelopeOf(event), 0);
  }

  /**
   * What the ingress answers a POSTed message, for a sender in this process too: 202 Accepted, the event
   * routed in the background; 400 with the reason for a message that is no valid CloudEvent.
   */
  accept(message: EventMessage): EventAnswer {
    const incoming = decodeEvent(message.headers, message.body);
    if (incoming.kind === 'event') {
      this.route(incoming.envelope, 0);
      return { status: 202, headers: {}, body: '' };
    }
    const reason = incoming.kind === 'invalid' ? incoming.message : 'the request is not a CloudEvent';
    return { status: 400, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: `${reason}\n` };
  }

  async listen(options: { host?: string; port?: number } = {}): Promise<string> {
    this.ingress ??= await startIngress(
      { accept: (message) => this.accept(message), deadLetters: () => this.letters.map((letter) => ({ ...letter, event: letter.event.toJSON() })) },
      options,
    );
    return this.ingress.url;
  }

  /** Stops the ingress and abandons pending deliveries and retries. */
  async close(): Promise<void> {
    this.closing.abort();
    await this.ingress?.close();
  }

  private route(event: Envelope, hops: number): void {
    if (this.closing.signal.aborted) return;
    for (const route of this.routes) {
      if (!matchesFilter(route.trigger.filter, event.attributes)) continue;
      // A fault of the broker itself still ends as a dead letter, never as an unhandled rejection.
      const work = this.deliverAndFollow(route, event, hops).catch((error: unknown) => {
        this.deadLetter(route, event, 0, { dest: route.url, code: 500, body: `local broker error: ${String(error)}` });
      });
      this.track(work);
    }
  }

  private track(work: Promise<void>): void {
    this.inFlight++;
    void work.finally(() => {
      this.inFlight--;
      if (this.inFlight === 0) this.idleWaiters.splice(0).forEach((done) => done());
    });
  }

  // Knative puts a 2xx answer that is a CloudEvent back into the Broker, drops any other body,
  // and reports a reply its ingress refuses as a failed delivery of the original event.
  private async deliverAndFollow(route: ResolvedRoute, event: Envelope, hops: number): Promise<void> {
    const outcome = await deliver(route, event, this.deps);
    if (outcome.kind === 'abandoned') return;
    if (outcome.kind === 'failed') return this.deadLetter(route, event, outcome.attempts, { dest: route.url, code: outcome.code, body: outcome.body });
    const reply = decodeEvent(outcome.headers, outcome.body);
    if (reply.kind === 'none') return;
    const ingress = this.url ?? `broker:${this.name}`;
    if (reply.kind === 'invalid') return this.deadLetter(route, event, outcome.attempts, { dest: ingress, code: 400, body: reply.message });
    if (hops >= this.maxReplyHops) {
      return this.deadLetter(route, event, outcome.attempts, { dest: ingress, code: LOOP_DETECTED, body: `reply chain longer than ${this.maxReplyHops}` });
    }
    this.route(reply.envelope, hops + 1);
  }

  private deadLetter(route: ResolvedRoute, event: Envelope, attempts: number, error: { dest: string; code: number; body: string }): void {
    const letter = withErrorExtensions(eventOf(event), error.dest, error.code, error.body);
    this.letters.push({ trigger: route.trigger.name, sink: route.deadLetterSink, attempts, event: letter });
  }
}
