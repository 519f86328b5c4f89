import { http } from '@google-cloud/functions-framework';
import { INTERNAL_REQUESTS, InternalRequestSchema } from '../../shared/api/index.js';
import { decideOrphanRepair, decideRequestRepair } from '../../shared/core/index.js';
import {
  INTERNAL_REQUEST_COMPLETED,
  INTERNAL_REQUEST_DELETING,
  PING,
  PingDataSchema,
  RESOURCE_ADD,
} from '../../shared/events/index.js';
import { defineEventFunction, done } from '../../shared/http/index.js';
import type { FunctionContext, Outcome } from '../../shared/http/index.js';
import { createLogger } from '../../shared/observability/index.js';
import { forEachConcurrently } from './concurrently.js';
import { emitterFromEnv } from './event-emitter.js';
import { Repairer } from './repairer.js';
import { RunIndex } from './run-index.js';
import { readable } from './readable.js';
import type { Listed } from './readable.js';
import { pageSizeFromEnv } from './settings.js';

const NAME = 'resync';
const consumes = [{ type: PING, data: PingDataSchema }] as const;
const emits = [RESOURCE_ADD, INTERNAL_REQUEST_DELETING, INTERNAL_REQUEST_COMPLETED] as const;
/** Repairs of one page under way at once: enough to use the API servers, few enough to stay polite. */
const REPAIRS_AT_ONCE = 8;
const log = createLogger({ function: NAME });

/** `swept 60 requests (1 unreadable) and 3 runs: announce-add 2, relay 1 raced` */
function note(requests: Listed, runs: Listed, repairs: string): string {
  const count = (listed: Listed, what: string): string => `${listed.objects} ${what}${listed.unreadable > 0 ? ` (${listed.unreadable} unreadable)` : ''}`;
  return `swept ${count(requests, 'requests')} and ${count(runs, 'runs')}: ${repairs}`;
}

/**
 * A ping: find what lost events left undone and repair it (ADR 0010). The runs are read first and kept
 * as summaries; then the requests, a page at a time, each joined with its run; the runs no request
 * claimed are orphans. Only drift costs a call or an event: a quiet system costs its list pages alone.
 */
async function sweep(_ping: unknown, context: FunctionContext): Promise<Outcome> {
  const { remote, internal, settings } = context;
  const emit = emitterFromEnv(emits);
  const limit = pageSizeFromEnv();
  const config = await context.config.load();
  const runs = await RunIndex.read(internal, settings.pipelineRunNamespace, limit);
  const repairer = new Repairer(NAME, context, config, emit, log);
  const requests: Listed = { objects: 0, unreadable: 0 };
  for await (const page of remote.listPages<unknown>(INTERNAL_REQUESTS, undefined, { limit })) {
    const repairs = readable(page, InternalRequestSchema, requests)
      .map((ir) => ({ ir, repair: decideRequestRepair(ir, runs.claim(ir, settings.pipelineRunNamespace), config) }))
      .filter(({ repair }) => repair.repair !== 'none');
    await forEachConcurrently(repairs, REPAIRS_AT_ONCE, ({ ir, repair }) => repairer.forRequest(ir, repair));
  }
  const orphans = runs.unclaimed().map((run) => decideOrphanRepair(run, config)).flatMap((repair) => (repair.repair === 'none' ? [] : [repair]));
  await forEachConcurrently(orphans, REPAIRS_AT_ONCE, (repair) => repairer.forOrphan(repair));
  return done(note(requests, runs.listed, repairer.summary()));
}

export const { descriptor, handler, invoke } = defineEventFunction({ name: NAME, consumes, emits, handle: sweep });
http(NAME, handler);
