/** `npm start -- …`: the command line of the embedded default, turned into EmbeddedOptions. */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { InvalidGoDurationError, parseGoDuration } from '../../shared/core/index.js';
import { dnsLabelErrors } from '../apiserver/name-rules.js';
import { PORTS_USED } from './port-plan.js';
import type { EmbeddedOptions } from './start-embedded.js';

export const USAGE = `Usage: npm start -- [options]

With no options, runs the whole system on this machine: two local API servers (public and
internal), the event sources, the broker, the five functions and a pipeline runner.

  --dir <path>                  where kubeconfigs and endpoints.json go (default .local)
  --port-base <port>            listen on ${PORTS_USED} consecutive ports from <port> (default: free ports)
  --remote-kubeconfig <file>    with --internal-kubeconfig: run the sources, broker and functions
  --internal-kubeconfig <file>  against these real clusters instead (no local API servers, no runner)
  --remote-watcher-kubeconfig <file>
                                with the two above: the watcher lists and watches InternalRequests
                                with this one (the minted watcher.kubeconfig), the functions with
                                --remote-kubeconfig (functions.kubeconfig); default: the same file
  --allow <ns>[,<ns>…]          also allow these tenant namespaces (default is always allowed):
                                adds them to the config's allowList and creates them on both
                                local clusters, so their Pipelines and requests can go there
  --resync-every <duration>     how often the resync sweep repairs what lost events left undone,
                                e.g. 30s, 5m (default 60s; at least 1s; 0 runs no sweep)
  --over-http                   every event over loopback HTTP, as in a cluster: the sources POST
                                to the broker's ingress and the broker to the functions' servers
                                (default: the parts of this process hand each other the same
                                messages directly)
  --help                        show this text`;

export class UsageError extends Error {
  override name = 'UsageError';
}

export type CliCommand = { kind: 'help' } | { kind: 'start'; options: EmbeddedOptions };

const OPTIONS = {
  dir: { type: 'string' },
  'port-base': { type: 'string' },
  'remote-kubeconfig': { type: 'string' },
  'internal-kubeconfig': { type: 'string' },
  'remote-watcher-kubeconfig': { type: 'string' },
  'resync-every': { type: 'string' },
  allow: { type: 'string', multiple: true },
  'over-http': { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

const SHORTEST_RESYNC_MS = 1000;

function portBaseOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const base = Number(text);
  const highest = 65535 - (PORTS_USED - 1);
  if (!/^\d+$/.test(text) || base < 1 || base > highest) throw new UsageError(`--port-base must be a port from 1 to ${highest}, not ${JSON.stringify(text)}`);
  return base;
}

/** Milliseconds between sweeps; undefined for the default. */
function resyncEveryOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const refuse = (): never => {
    throw new UsageError(`--resync-every must be a duration such as 30s or 5m (at least 1s), or 0 for no sweeps, not ${JSON.stringify(text)}`);
  };
  let nanoseconds: bigint;
  try {
    nanoseconds = parseGoDuration(text);
  } catch (err) {
    if (err instanceof InvalidGoDurationError) return refuse();
    throw err;
  }
  const ms = Number(nanoseconds / 1_000_000n);
  return ms === 0 || ms >= SHORTEST_RESYNC_MS ? ms : refuse();
}

/** Tenant namespaces from every --allow, split on commas, each a valid namespace name, in order, once. */
function allowOf(texts: string[] | undefined, realClusters: boolean): string[] | undefined {
  if (texts === undefined) return undefined;
  if (realClusters) {
    throw new UsageError('--allow sets up the local clusters; on real clusters add the namespace to the allowList of the InternalServicesConfig instead');
  }
  const names = texts.flatMap((text) => text.split(',')).map((name) => name.trim());
  for (const name of names) {
    const problems = dnsLabelErrors(name);
    if (problems.length > 0) throw new UsageError(`--allow takes namespace names; ${JSON.stringify(name)} is not one: ${problems.join('; ')}`);
  }
  return [...new Set(names)];
}

function clustersOf(remote: string | undefined, internal: string | undefined, watcher: string | undefined): EmbeddedOptions['clusters'] {
  if (remote === undefined && internal === undefined) {
    if (watcher !== undefined) throw new UsageError('--remote-watcher-kubeconfig needs --remote-kubeconfig and --internal-kubeconfig');
    return undefined;
  }
  if (remote === undefined || internal === undefined) throw new UsageError('--remote-kubeconfig and --internal-kubeconfig go together: give both or neither');
  for (const file of [remote, internal, watcher ?? remote]) if (!existsSync(file)) throw new UsageError(`no kubeconfig file at ${file}`);
  return { remoteKubeconfig: remote, internalKubeconfig: internal, ...(watcher === undefined ? {} : { remoteWatcherKubeconfig: watcher }) };
}

/** Throws UsageError naming what is wrong with the arguments. */
export function parseCliArgs(argv: string[]): CliCommand {
  let values: {
    dir?: string;
    'port-base'?: string;
    'remote-kubeconfig'?: string;
    'internal-kubeconfig'?: string;
    'remote-watcher-kubeconfig'?: string;
    'resync-every'?: string;
    allow?: string[];
    'over-http'?: boolean;
    help?: boolean;
  };
  try {
    values = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  if (values.help) return { kind: 'help' };
  if (values.dir === '') throw new UsageError('--dir needs a path');
  const portBase = portBaseOf(values['port-base']);
  const clusters = clustersOf(values['remote-kubeconfig'], values['internal-kubeconfig'], values['remote-watcher-kubeconfig']);
  const resyncEveryMs = resyncEveryOf(values['resync-every']);
  const allow = allowOf(values.allow, clusters !== undefined);
  const overHttp = values['over-http'] === true ? { overHttp: true } : {};
  return { kind: 'start', options: { dir: values.dir, portBase, clusters, resyncEveryMs, ...(allow === undefined ? {} : { allow }), ...overHttp } };
}
