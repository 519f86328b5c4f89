/** Objects a server starts with: the standard namespaces, requested namespaces and CRDs. */
import { admit } from './admission.js';
import { commitWrite } from './commit.js';
import { CUSTOM_RESOURCE_DEFINITIONS, NAMESPACES, storageKey } from './resource-def.js';
import type { Core } from './core.js';
import type { ResourceDef } from './resource-def.js';

/** The namespaces a new kube-apiserver creates for itself (kube-node-lease may be deleted; the others may not). */
const STANDARD_NAMESPACES = ['default', 'kube-node-lease', 'kube-public', 'kube-system'];

function install(core: Core, def: ResourceDef, body: Record<string, unknown> & { metadata?: { name?: string } }): void {
  const name = body.metadata?.name ?? '';
  const stored = core.store.get(storageKey(def), '', name);
  const input = stored ? { ...body, metadata: { ...body.metadata, resourceVersion: stored.metadata.resourceVersion } } : body;
  const { object } = admit({ def, body: input, stored, fieldValidation: 'Ignore', verb: stored ? 'update' : 'create', now: core.now() });
  commitWrite(core, def, object, stored);
}

export function bootstrap(core: Core, namespaces: string[], crds: unknown[]): void {
  for (const name of new Set([...STANDARD_NAMESPACES, ...namespaces])) install(core, NAMESPACES, { metadata: { name } });
  for (const crd of crds) install(core, CUSTOM_RESOURCE_DEFINITIONS, crd as Record<string, unknown>);
}
