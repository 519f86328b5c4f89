/**
 * Reads the Broker and Trigger manifests from the knative/ tree: the one routing table, shared
 * with the real cluster. Only `filter.attributes` is understood; a Trigger using the newer
 * `filters` field is refused rather than routed differently from a real Broker.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { DeliverySpec } from './delivery-policy.js';
import type { AttributesFilter } from './filter.js';

export interface SubscriberRef {
  ref?: { apiVersion?: string; kind?: string; name: string };
  uri?: string;
}

export interface TriggerRoute {
  name: string;
  broker: string;
  filter: AttributesFilter;
  subscriber: SubscriberRef;
  delivery?: DeliverySpec;
}

export interface BrokerManifest {
  name: string;
  delivery?: DeliverySpec;
}

export interface Routing {
  brokers: BrokerManifest[];
  triggers: TriggerRoute[];
}

export class InvalidTriggerError extends Error {
  override name = 'InvalidTriggerError';
}

interface Manifest {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string };
  spec?: Record<string, unknown>;
}

async function yamlFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name) && !/^kustomization\.ya?ml$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

async function manifestsIn(file: string): Promise<Manifest[]> {
  const documents = parseAllDocuments(await readFile(file, 'utf8'));
  return documents.map((doc) => doc.toJS() as unknown).filter((value): value is Manifest => typeof value === 'object' && value !== null);
}

function isEventing(manifest: Manifest, kind: string): boolean {
  return manifest.kind === kind && (manifest.apiVersion ?? '').startsWith('eventing.knative.dev/');
}

export function toTriggerRoute(manifest: Manifest, file = 'manifest'): TriggerRoute {
  const name = manifest.metadata?.name ?? '';
  const spec = (manifest.spec ?? {}) as { broker?: string; filter?: { attributes?: Record<string, string> }; filters?: unknown; subscriber?: SubscriberRef; delivery?: DeliverySpec };
  const where = `Trigger ${JSON.stringify(name)} in ${file}`;
  if (!name || !spec.broker) throw new InvalidTriggerError(`${where}: metadata.name and spec.broker are required`);
  if (spec.filters !== undefined) throw new InvalidTriggerError(`${where}: spec.filters is not supported, use spec.filter.attributes`);
  if (!spec.subscriber?.ref && !spec.subscriber?.uri) throw new InvalidTriggerError(`${where}: spec.subscriber needs a ref or a uri`);
  const filter = Object.fromEntries(Object.entries(spec.filter?.attributes ?? {}).map(([k, v]) => [k, String(v)]));
  return { name, broker: spec.broker, filter, subscriber: spec.subscriber, ...(spec.delivery ? { delivery: spec.delivery } : {}) };
}

function toBrokerManifest(manifest: Manifest): BrokerManifest {
  const delivery = manifest.spec?.['delivery'] as DeliverySpec | undefined;
  return { name: manifest.metadata?.name ?? '', ...(delivery ? { delivery } : {}) };
}

function rejectDuplicates(triggers: TriggerRoute[]): void {
  const seen = new Set<string>();
  for (const trigger of triggers) {
    if (seen.has(trigger.name)) throw new InvalidTriggerError(`Trigger ${JSON.stringify(trigger.name)} is defined twice`);
    seen.add(trigger.name);
  }
}

/** Every Broker and Trigger in the YAML files under `dir` (kustomization files skipped). */
export async function loadRouting(dir: string): Promise<Routing> {
  const routing: Routing = { brokers: [], triggers: [] };
  for (const file of await yamlFiles(dir)) {
    for (const manifest of await manifestsIn(file)) {
      if (isEventing(manifest, 'Trigger')) routing.triggers.push(toTriggerRoute(manifest, file));
      if (isEventing(manifest, 'Broker')) routing.brokers.push(toBrokerManifest(manifest));
    }
  }
  rejectDuplicates(routing.triggers);
  return routing;
}
