/** `npm run bench -- …`: the command line of the bench. */
import { parseArgs } from 'node:util';

export const BENCH_USAGE = `Usage: npm run bench -- [options]

Runs the embedded default under a steady load and prints one table: API calls, CPU, latency and
throughput per request, cold starts and memory of each function and of the remote watcher.

  --requests <n>   requests in each load phase (default 300)
  --rate <r>       requests offered per second (default 50)
  --check          exit 1 when a figure misses its budget, naming each
  --json <file>    also write the figures to <file>
  --cpu-prof <dir> write a V8 CPU profile of each process of the system under load into <dir>
                   (profiling slows them down: the CPU figures of such a run are not comparable)
  --help           show this text`;

export interface BenchOptions {
  requests: number;
  rate: number;
  check: boolean;
  json: string | undefined;
  cpuProfileDir: string | undefined;
}

export type BenchCommand = { kind: 'help' } | { kind: 'run'; options: BenchOptions };

export class BenchUsageError extends Error {
  override name = 'BenchUsageError';
}

export const DEFAULT_REQUESTS = 300;
export const DEFAULT_RATE = 50;

function positive(flag: string, text: string | undefined, fallback: number, integer: boolean): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  const ok = text.trim() !== '' && Number.isFinite(value) && value > 0 && (!integer || Number.isInteger(value));
  if (!ok) throw new BenchUsageError(`${flag} takes a ${integer ? 'whole ' : ''}number above 0, not ${JSON.stringify(text)}`);
  return value;
}

/** Throws BenchUsageError naming what is wrong. */
export function parseBenchArgs(argv: string[]): BenchCommand {
  let values: { requests?: string; rate?: string; check?: boolean; json?: string; 'cpu-prof'?: string; help?: boolean };
  try {
    values = parseArgs({
      args: argv,
      options: {
        requests: { type: 'string' },
        rate: { type: 'string' },
        check: { type: 'boolean' },
        json: { type: 'string' },
        'cpu-prof': { type: 'string' },
        help: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    throw new BenchUsageError(err instanceof Error ? err.message : String(err));
  }
  if (values.help) return { kind: 'help' };
  if (values.json === '') throw new BenchUsageError('--json needs a file name');
  if (values['cpu-prof'] === '') throw new BenchUsageError('--cpu-prof needs a directory');
  return {
    kind: 'run',
    options: {
      requests: positive('--requests', values.requests, DEFAULT_REQUESTS, true),
      rate: positive('--rate', values.rate, DEFAULT_RATE, false),
      check: values.check ?? false,
      json: values.json,
      cpuProfileDir: values['cpu-prof'],
    },
  };
}
