import { parseArgs } from 'node:util';
import { GROUP, VERSION } from '../../shared/api/group-version.js';
import { errorText } from '../../shared/observability/error-text.js';
import type { CeOverrides } from './resource-event.js';
import type { ResourceSourceOptions } from './source.js';

export class SourceConfigError extends Error {
  override name = 'SourceConfigError';
}

/**
 * What the command watches unless told otherwise: the remote InternalRequests. Spelled out rather than
 * taken from shared/api's INTERNAL_REQUESTS, whose module loads zod (~12 MB of RSS) with its schemas;
 * config.test.ts checks that the two agree.
 */
export const DEFAULT_RESOURCE = { apiVersion: `${GROUP}/${VERSION}`, kind: 'InternalRequest', plural: 'internalrequests' };

/** Each flag and the environment variable it falls back to (ContainerSource sets K_SINK, K_CE_OVERRIDES). */
const SETTINGS = {
  kubeconfig: 'REMOTE_KUBECONFIG',
  'api-version': 'WATCH_API_VERSION',
  kind: 'WATCH_KIND',
  plural: 'WATCH_PLURAL',
  namespace: 'WATCH_NAMESPACE',
  'label-selector': 'WATCH_LABEL_SELECTOR',
  sink: 'K_SINK',
  'ce-overrides': 'K_CE_OVERRIDES',
  'drop-status-only-updates': 'DROP_STATUS_ONLY_UPDATES',
} as const;
type Setting = keyof typeof SETTINGS;

/** CloudEvents attributes that are not extensions: an override of one would change the event itself. */
const EVENT_ATTRIBUTES = new Set(['specversion', 'id', 'source', 'type', 'datacontenttype', 'dataschema', 'subject', 'time', 'data']);

export const SOURCE_USAGE = `Usage: remote-source [--flag value]… (each flag falls back to the environment variable shown)
${Object.entries(SETTINGS)
  .map(([flag, env]) => `  --${flag.padEnd(26)} ${env}`)
  .join('\n')}
Without --kubeconfig the in-cluster service account is used (inside a pod only). Without --kind it watches
${DEFAULT_RESOURCE.kind}s (${DEFAULT_RESOURCE.apiVersion}). --drop-status-only-updates (true|false)
defaults to true for InternalRequests and false for any other kind.`;

/** Reads the command line, falling back to the environment; throws SourceConfigError when unusable. */
export function parseSourceConfig(argv: string[], env: NodeJS.ProcessEnv): ResourceSourceOptions {
  const options = Object.fromEntries(Object.keys(SETTINGS).map((flag) => [flag, { type: 'string' as const }]));
  let flags: Record<string, string | boolean | undefined>;
  try {
    flags = parseArgs({ args: argv, options, strict: true }).values;
  } catch (err) {
    throw new SourceConfigError(errorText(err));
  }
  const read = (setting: Setting): string | undefined => {
    const value = flags[setting] ?? env[SETTINGS[setting]];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const sink = read('sink');
  if (!sink) throw new SourceConfigError('no sink: set K_SINK or --sink');
  const sinkUrl = validUrl(sink);
  const kubeconfig = read('kubeconfig');
  // Outside a pod the in-cluster config would point at https://undefined:undefined and retry forever.
  if (!kubeconfig && !env['KUBERNETES_SERVICE_HOST']) throw new SourceConfigError('no kubeconfig: set REMOTE_KUBECONFIG or --kubeconfig (without one, only a pod has a service account to use)');
  const resource = resourceOf(read);
  return {
    kubeconfig,
    resource,
    namespace: read('namespace'),
    labelSelector: read('label-selector'),
    sink: sinkUrl,
    ceOverrides: ceOverridesOf(read('ce-overrides')),
    dropStatusOnlyUpdates: booleanOf(read('drop-status-only-updates'), resource.kind === DEFAULT_RESOURCE.kind),
  };
}

function resourceOf(read: (setting: Setting) => string | undefined): ResourceSourceOptions['resource'] {
  const kind = read('kind');
  const apiVersion = read('api-version');
  if (!kind && apiVersion) throw new SourceConfigError(`--api-version ${apiVersion} needs --kind (WATCH_KIND)`);
  if (!kind) return { ...DEFAULT_RESOURCE, plural: read('plural') ?? DEFAULT_RESOURCE.plural };
  if (!apiVersion) throw new SourceConfigError(`--kind ${kind} needs --api-version (WATCH_API_VERSION)`);
  return { apiVersion, kind, plural: read('plural') };
}

function ceOverridesOf(text: string | undefined): CeOverrides | undefined {
  if (!text) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new SourceConfigError('K_CE_OVERRIDES is not JSON');
  }
  const issues = ceOverridesIssues(json);
  if (issues.length > 0) throw new SourceConfigError(`K_CE_OVERRIDES is invalid: ${issues.join('; ')}`);
  return json as CeOverrides;
}

/** What is wrong with `{"extensions": {name: "value", …}}`, checked by hand: zod would cost ~12 MB of RSS. */
function ceOverridesIssues(json: unknown): string[] {
  if (!isRecord(json)) return ['it must be an object'];
  const extensions = json['extensions'];
  if (extensions === undefined) return [];
  if (!isRecord(extensions)) return ['extensions must be an object'];
  return Object.entries(extensions).flatMap(([name, value]) => {
    if (!/^[a-z0-9]+$/.test(name)) return [`extension names must be lower-case letters and digits, not ${name}`];
    if (EVENT_ATTRIBUTES.has(name)) return [`${name} is a CloudEvents attribute, not an extension`];
    return typeof value === 'string' ? [] : [`extension ${name} must be a string`];
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function booleanOf(text: string | undefined, fallback: boolean): boolean {
  if (text === undefined) return fallback;
  if (text === 'true' || text === 'false') return text === 'true';
  throw new SourceConfigError(`--drop-status-only-updates must be true or false, not ${text}`);
}

function validUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new SourceConfigError(`the sink is not a URL: ${text}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new SourceConfigError(`the sink must be an http or https URL, not ${text}`);
  return url.toString();
}
