/**
 * A child process running one part of the system for the bench (see parts.ts), driven over the IPC
 * channel: start, then answer for its CPU, its idleness and its API servers' counters, then stop.
 */
import type { HostAnswer, HostRequest } from './host-protocol.js';
import { startPart } from './parts.js';
import type { RunningPart } from './parts.js';

let part: RunningPart | undefined;

function send(answer: HostAnswer, then?: () => void): void {
  process.send?.(answer, undefined, {}, () => then?.());
}

function message(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

async function answer(request: Exclude<HostRequest, { kind: 'start' }>, running: RunningPart): Promise<HostAnswer> {
  switch (request.kind) {
    case 'cpu': {
      const { user, system } = process.cpuUsage();
      return { kind: 'answer', id: request.id, cpu: { userMicros: user, systemMicros: system } };
    }
    case 'idle':
      await running.idle();
      return { kind: 'answer', id: request.id };
    case 'requests':
      return { kind: 'answer', id: request.id, ...(running.requests ? { requests: running.requests() } : {}) };
    case 'reset':
      running.resetRequests?.();
      return { kind: 'answer', id: request.id };
    case 'stop':
      await running.stop();
      return { kind: 'answer', id: request.id };
  }
}

process.on('message', (request: HostRequest) => {
  if (request.kind === 'start') {
    startPart(request.part, request.plan).then(
      (started) => {
        part = started;
        send({ kind: 'started', info: started.info });
      },
      (err: unknown) => send({ kind: 'failed', error: message(err) }),
    );
    return;
  }
  const running = part;
  if (running === undefined) {
    send({ kind: 'error', id: request.id, error: 'the part has not started' });
    return;
  }
  // Once stopped, the process ends: a keep-alive socket or timer left behind must not keep it.
  const then = request.kind === 'stop' ? (): never => process.exit(0) : undefined;
  answer(request, running).then(
    (answered) => send(answered, then),
    (err: unknown) => send({ kind: 'error', id: request.id, error: message(err) }, then),
  );
});
