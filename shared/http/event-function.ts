import { performance } from 'node:perf_hooks';
import type { HttpFunction, Request, Response } from '@google-cloud/functions-framework';
import type { CloudEvent } from 'cloudevents';
import { acceptEvent, parseCloudEvent, toBinaryMessage } from '../events/index.js';
import { requestKeyOf } from '../api/index.js';
import type { EventAnswer, EventMessage, EventSpec, HttpMessage, ReceivedOf } from '../events/index.js';
import { ConflictError, ObjectGoneError } from '../kube/index.js';
import { PROMETHEUS_CONTENT_TYPE, ServiceMetrics, createLogger, errorText } from '../observability/index.js';
import type { LogFields, LogLevel, Logger } from '../observability/index.js';
import { refuseOversizedBody } from './body-limit.js';
import { bindToSignal, requestSignal, untilAborted } from './deadline.js';
import { statusForError } from './error-status.js';
import { contextFromEnv } from './function-context.js';
import type { FunctionContext, ProcessContext } from './function-context.js';
import type { Outcome } from './outcome.js';
import { serveWithoutRequestDomains } from './request-domain.js';

/** What a function consumes and emits; manifests and the local broker check their Triggers against it. */
export interface FunctionDescriptor {
  name: string;
  consumes: Array<{ type: string; kind?: string }>;
  emits: string[];
}

export interface EventFunctionDefinition<Specs extends readonly EventSpec[]> {
  name: string;
  consumes: Specs;
  emits: readonly string[];
  handle(event: ReceivedOf<Specs>, context: FunctionContext): Promise<Outcome>;
}

export interface EventFunctionOptions {
  context?: () => ProcessContext;
  logger?: Logger;
  /** How often a handler runs when its writes meet 409 Conflict before the broker is asked to retry. */
  conflictAttempts?: number;
}

export interface EventFunction {
  descriptor: FunctionDescriptor;
  handler: HttpFunction;
  /**
   * The same function without HTTP: the message parsed, handled, logged and counted exactly as a request
   * to `handler` is. The signal ends the work as the request's deadline does (504 Gateway Timeout).
   */
  invoke(message: EventMessage, signal?: AbortSignal): Promise<EventAnswer>;
  /** This function's own metrics, which its GET /metrics serves. */
  metrics: ServiceMetrics;
}

/** A reply type the descriptor does not list would be routed by no Trigger: a bug, not a bad event. */
export class UndeclaredReplyError extends Error {
  override name = 'UndeclaredReplyError';
}

export function describeFunction(definition: EventFunctionDefinition<readonly EventSpec[]>): FunctionDescriptor {
  const consumes = definition.consumes.map(({ type, kind }) => (kind === undefined ? { type } : { type, kind }));
  return { name: definition.name, consumes, emits: [...definition.emits] };
}

/** The raw body when there is one, so the CloudEvents SDK (not the framework's parsers) decides what it means. */
function bodyOf(req: Request): unknown {
  if (req.rawBody === undefined) return req.body as unknown;
  return req.rawBody.length > 0 ? req.rawBody.toString('utf8') : undefined;
}

/**
 * The event's HTTP message. functions-framework has already parsed an application/json body (binary mode,
 * as every sender of this system uses): that object goes along so the body is not decoded and parsed a
 * second time, and the raw text is only made if the SDK has to read the message after all.
 */
function messageOf(req: Request): HttpMessage {
  const json = req.rawBody !== undefined && req.rawBody.length > 0 && req.is('application/json') ? (req.body as unknown) : undefined;
  return {
    headers: req.headers,
    get body(): unknown {
      return bodyOf(req);
    },
    json,
  };
}

function objectOf(data: unknown): string | undefined {
  const value = data as { namespace?: unknown; name?: unknown; metadata?: { namespace?: unknown; name?: unknown } } | undefined;
  const ref = value?.metadata ?? value;
  return typeof ref?.name === 'string' ? [ref.namespace, ref.name].filter((p) => typeof p === 'string').join('/') : undefined;
}

/** Which event, and the request it is about (`request`, `requestUid`): the key every log line of a request carries. */
function eventFields(event: CloudEvent<unknown>): LogFields {
  return { eventId: event.id, eventType: event.type, object: objectOf(event.data), ...requestKeyOf(event.data) };
}

/** Handlers start by reading current state, so running one again is the natural answer to a Conflict. */
async function withConflictRetry(run: () => Promise<Outcome>, attempts: number, fields: LogFields): Promise<Outcome> {
  for (let attempt = 1; ; attempt++) {
    fields.attempts = attempt;
    try {
      return await run();
    } catch (err) {
      if (!(err instanceof ConflictError) || attempt >= attempts) throw err;
    }
  }
}

const NO_CONTENT: EventAnswer = { status: 204, headers: {}, body: '' };

/** done → 204 No Content; reply → 200 with the event in binary mode, which the broker routes onward. */
function answerFor(outcome: Outcome, emits: readonly string[]): EventAnswer {
  if (outcome.kind === 'done') return NO_CONTENT;
  if (!emits.includes(outcome.event.type)) throw new UndeclaredReplyError(`reply type ${outcome.event.type} is not declared in emits`);
  return { status: 200, ...toBinaryMessage(outcome.event) };
}

function errorAnswer(status: number, message: string): EventAnswer {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: message };
}

function send(res: Response, answer: EventAnswer): void {
  if (answer.status === 204) res.status(204).end();
  else res.status(answer.status).set(answer.headers).send(answer.body);
}

function elapsedMs(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}

function levelFor(status: number): LogLevel {
  if (status >= 500) return 'error';
  return status >= 400 ? 'warn' : 'info';
}

/**
 * Wraps a handler in the functions-framework http signature: refuse bodies over 4 MiB, parse and validate
 * the event, run the handler until it finishes or its deadline passes, answer with the status the
 * broker's retry protocol expects (ADR 0004), log one line, count it.
 * GET /metrics answers with this function's Prometheus metrics and the process's instead.
 */
export function defineEventFunction<Specs extends readonly EventSpec[]>(
  definition: EventFunctionDefinition<Specs>,
  options: EventFunctionOptions = {},
): EventFunction {
  serveWithoutRequestDomains();
  const context = options.context ?? ((): ProcessContext => contextFromEnv());
  const metrics = new ServiceMetrics({ function: definition.name, eventTypes: definition.consumes.map(({ type }) => type) });
  const logger = (options.logger ?? createLogger()).child({ function: definition.name });
  const attempts = options.conflictAttempts ?? 3;

  /** Logs how a handler abandoned at its deadline ended, and how long after the start. */
  function lateEnding(fields: LogFields, started: number): (ending: string) => void {
    return (ending) => logger.log('warn', 'handler stopped after its request was aborted', { ...fields, ending, durationMs: elapsedMs(started) });
  }

  /** One event, from its message to its answer: the story of every request, whichever door it came in by. */
  async function answerEvent(message: HttpMessage, size: number, signal: AbortSignal | undefined, started: number): Promise<{ answer: EventAnswer; fields: LogFields }> {
    const fields: LogFields = {};
    try {
      refuseOversizedBody(size);
      const event = parseCloudEvent(message);
      Object.assign(fields, eventFields(event));
      const received = acceptEvent(event, definition.consumes);
      const bound: FunctionContext = { ...bindToSignal(context(), signal), metrics };
      const work = withConflictRetry(() => definition.handle(received, bound), attempts, fields);
      const outcome = await untilAborted(work, signal, lateEnding(fields, started));
      const answer = answerFor(outcome, definition.emits);
      return { answer, fields: { ...fields, outcome: outcome.note, status: answer.status } };
    } catch (err) {
      // The object this event is about was deleted while it was handled: nothing is left to do or retry.
      if (err instanceof ObjectGoneError) return { answer: NO_CONTENT, fields: { ...fields, outcome: `object gone: ${err.message}`, status: NO_CONTENT.status } };
      const status = statusForError(err);
      const message = errorText(err);
      return { answer: errorAnswer(status, message), fields: { ...fields, outcome: err instanceof Error ? err.name : 'error', status, error: message } };
    }
  }

  function record(fields: LogFields, started: number): void {
    const status = Number(fields.status);
    metrics.eventHandled(String(fields.eventType ?? ''), status);
    logger.log(levelFor(status), 'event handled', { ...fields, durationMs: elapsedMs(started) });
  }

  const handler: HttpFunction = async (req, res) => {
    if (req.method === 'GET' && req.path === '/metrics') {
      res.status(200).type(PROMETHEUS_CONTENT_TYPE).send(await metrics.exposition());
      return;
    }
    const started = performance.now();
    const { answer, fields } = await answerEvent(messageOf(req), req.rawBody?.length ?? 0, requestSignal(req, res), started);
    send(res, answer);
    record(fields, started);
  };

  async function invoke(message: EventMessage, signal?: AbortSignal): Promise<EventAnswer> {
    const started = performance.now();
    const { answer, fields } = await answerEvent(message, Buffer.byteLength(message.body), signal, started);
    record(fields, started);
    return answer;
  }

  return { descriptor: describeFunction(definition), handler, invoke, metrics };
}
