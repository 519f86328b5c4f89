/**
 * A local stand-in for knative/private's PingSource `resync`: every period it posts the ping a PingSource
 * sends (type `dev.knative.sources.ping`, source `/apis/v1/namespaces/<ns>/pingsources/<name>`, its data)
 * to the broker, which routes it to the resync function. The period is `--resync-every`, not the cron
 * schedule, so a local run can sweep often.
 */
import { CloudEvent } from 'cloudevents';
import { PING, toBinaryMessage } from '../../shared/events/index.js';
import { createLogger } from '../../shared/observability/index.js';
import type { Logger } from '../../shared/observability/index.js';
import type { PingManifest } from './source-manifests.js';

/** Calls `tick` every `periodMs` until the returned function is called. Tests inject one they drive. */
export type Ticker = (periodMs: number, tick: () => Promise<void>) => () => void;

export const realTicker: Ticker = (periodMs, tick) => {
  const timer = setInterval(() => void tick(), periodMs);
  return () => clearInterval(timer);
};

export interface PingSourceOptions {
  sink: string;
  ping: PingManifest;
  everyMs: number;
  ticker?: Ticker;
  log?: Logger;
}

export interface PingSource {
  /** Pings the broker accepted so far. */
  readonly sent: number;
  /** Stops ticking and waits for a ping being sent. */
  stop(): Promise<void>;
}

export function startPingSource(options: PingSourceOptions): PingSource {
  const log = options.log ?? createLogger({ component: 'ping-source' });
  const sending = new Set<Promise<void>>();
  let sent = 0;
  const send = async (): Promise<void> => {
    const event = new CloudEvent({ type: PING, source: options.ping.source, datacontenttype: options.ping.contentType, data: options.ping.data });
    const { headers, body } = toBinaryMessage(event);
    try {
      const answer = await fetch(options.sink, { method: 'POST', headers, body });
      await answer.body?.cancel();
      if (answer.ok) sent++;
      else log.log('warn', 'ping refused', { sink: options.sink, status: answer.status });
    } catch (err) {
      // The broker may be stopping; the next tick tries again, as a PingSource's next schedule does.
      log.log('warn', 'ping not sent', { sink: options.sink, error: err instanceof Error ? err.message : String(err) });
    }
  };
  const tick = (): Promise<void> => {
    const ping = send().finally(() => sending.delete(ping));
    sending.add(ping);
    return ping;
  };
  const stopTicking = (options.ticker ?? realTicker)(options.everyMs, tick);
  return {
    get sent() {
      return sent;
    },
    async stop() {
      stopTicking();
      await Promise.all(sending);
    },
  };
}
