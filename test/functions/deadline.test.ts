/**
 * A handler stops at its deadline: functions-framework's --timeout aborts the request's signal, the
 * function answers 504 (which the broker retries) and the cluster call it was waiting on is cut off, so
 * nothing more is done for that delivery. Served by the real functions-framework command line, with one
 * keep-alive connection for all events, as Knative's queue-proxy keeps them.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { CloudEvent } from 'cloudevents';
import { until } from '../support/until.js';
import { startFrameworkProcess } from './framework-process.js';
import type { FrameworkProcess } from './framework-process.js';
import { TENANT, countCalls, createRequest, encode, objectEvent, setConfig, startClusters } from './harness.js';
import type { Clusters } from './harness.js';

/** functions-framework's --timeout is in whole seconds; 1 is the shortest. */
const TIMEOUT_SECONDS = 1;
/** Well beyond the deadline, so only the abort can end the handler's wait early. */
const SLOW_MS = 3_000;

let clusters: Clusters;
let admission: FrameworkProcess;
/** When the server finishes the delayed request nobody waits for any more (its timer must not outlive the suite). */
let slowUntil = 0;

beforeAll(async () => {
  clusters = await startClusters();
  await setConfig(clusters, { allowList: [TENANT] });
  admission = await startFrameworkProcess('admission', [`--timeout=${TIMEOUT_SECONDS}`]);
}, 30_000);
afterEach(() => clusters.publicServer.faults.clear());
afterAll(async () => {
  await admission.stop();
  await until(() => Date.now() >= slowUntil, 'the injected latency to run out', SLOW_MS + 1_000);
  await clusters.stop();
});

async function send(event: CloudEvent<unknown>): Promise<{ status: number; text: string }> {
  const { headers, body } = encode(event, 'binary');
  const res = await fetch(admission.url, { method: 'POST', headers, body });
  return { status: res.status, text: await res.text() };
}

describe('a handler past its deadline', () => {
  it('when the handler finishes within the timeout, then the deadline changes nothing, also for the next events on the same connection', async () => {
    for (const name of ['fast-1', 'fast-2', 'fast-3']) {
      const ir = await createRequest(clusters, name);
      expect((await send(objectEvent('add', ir, clusters.publicServer))).status).toBe(200);
    }
  });

  it('when the API server is slower than the function timeout, then 504 at the deadline, the call in flight is cut off, nothing more is done, and the retry succeeds', async () => {
    const ir = await createRequest(clusters, 'slow-server');
    const event = objectEvent('add', ir, clusters.publicServer);
    // A new request's first call is admission's finalizer patch on the event's copy (no read first).
    clusters.publicServer.faults.addLatency({ verb: 'patch', resource: 'internalrequests', ms: SLOW_MS });
    slowUntil = Date.now() + SLOW_MS;

    const { result, calls } = await countCalls(clusters, async () => {
      const answered = await send(event);
      // The handler's own end is logged once it stops; only then can "nothing more" be read from the servers.
      await until(() => admission.logLines().some((l) => l.message === 'handler stopped after its request was aborted'), 'the handler to stop');
      return answered;
    });
    expect(result.status).toBe(504);
    expect(result.text).toMatch(/did not finish within the function timeout \(functions-framework --timeout\)/);
    const stopped = admission.logLines().find((l) => l.message === 'handler stopped after its request was aborted');
    expect(stopped).toMatchObject({ eventId: event.id, ending: 'ClusterUnreachableError' });
    expect(Number(stopped?.durationMs)).toBeLessThan(SLOW_MS);
    expect(admission.logLines().find((l) => l.message === 'event handled' && l.eventId === event.id)).toMatchObject({ status: 504, outcome: 'HandlerAbortedError' });
    expect(Object.keys(calls).filter((call) => !call.startsWith('public patch internalrequests'))).toEqual([]);

    clusters.publicServer.faults.clear();
    const retried = await send(event);
    expect(retried.status).toBe(200);
  });
});
