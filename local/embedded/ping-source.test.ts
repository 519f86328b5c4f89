import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { HTTP } from 'cloudevents';
import type { CloudEvent } from 'cloudevents';
import { createLogger } from '../../shared/observability/index.js';
import { until } from '../../test/support/until.js';
import { realTicker, startPingSource } from './ping-source.js';
import type { Ticker } from './ping-source.js';

const PING = { source: '/apis/v1/namespaces/internal-services/pingsources/resync', contentType: 'application/json', data: {} };
const quiet = createLogger({}, { write: () => undefined });

/** A ticker the test drives: `fire()` is one period passing. */
function manualTicker(): { ticker: Ticker; fire: () => Promise<void>; periodMs: () => number | undefined; running: () => boolean } {
  let tick: (() => Promise<void>) | undefined;
  let periodMs: number | undefined;
  const ticker: Ticker = (ms, onTick) => {
    periodMs = ms;
    tick = onTick;
    return () => void (tick = undefined);
  };
  return { ticker, fire: () => tick?.() ?? Promise.resolve(), periodMs: () => periodMs, running: () => tick !== undefined };
}

describe('the local ping source of the resync sweep', () => {
  const received: Array<CloudEvent<unknown>> = [];
  let status = 202;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      received.push(HTTP.toEvent({ headers: req.headers, body }) as CloudEvent<unknown>);
      res.writeHead(status).end();
    });
  });
  let sink: string;

  beforeAll(async () => {
    await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
    sink = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  it('when a period passes, then one ping goes to the sink, shaped as a PingSource sends it', async () => {
    const clock = manualTicker();
    const pings = startPingSource({ sink, ping: PING, everyMs: 1000, ticker: clock.ticker, log: quiet });
    expect(clock.periodMs()).toBe(1000);
    const before = received.length;
    await clock.fire();
    await clock.fire();
    expect(received.slice(before)).toEqual([
      expect.objectContaining({ type: 'dev.knative.sources.ping', source: PING.source, datacontenttype: 'application/json', data: {} }),
      expect.objectContaining({ type: 'dev.knative.sources.ping' }),
    ]);
    expect(pings.sent).toBe(2);
    await pings.stop();
    expect(clock.running()).toBe(false);
  });

  it('when the sink refuses a ping or cannot be reached, then it is not counted and the next period tries again', async () => {
    const clock = manualTicker();
    const pings = startPingSource({ sink, ping: PING, everyMs: 1000, ticker: clock.ticker, log: quiet });
    status = 503;
    await clock.fire();
    status = 202;
    await clock.fire();
    expect(pings.sent).toBe(1);
    await pings.stop();
    const elsewhere = manualTicker();
    const unreachable = startPingSource({ sink: 'http://127.0.0.1:1/', ping: PING, everyMs: 1000, ticker: elsewhere.ticker, log: quiet });
    await elsewhere.fire();
    await unreachable.stop();
    expect(unreachable.sent).toBe(0);
  });

  it('when the real timer runs, then a ping goes every period', async () => {
    const pings = startPingSource({ sink, ping: PING, everyMs: 20, ticker: realTicker, log: quiet });
    await until(() => pings.sent >= 2, 'two pings');
    await pings.stop();
  });
});
