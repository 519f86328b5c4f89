/** Reads Kubernetes manifests from the knative/ tree, the one description of the install. */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

export interface Manifest {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  spec?: Record<string, unknown>;
}

export class ManifestNotFoundError extends Error {
  override name = 'ManifestNotFoundError';
}

export async function readManifests(file: string): Promise<Manifest[]> {
  const documents = parseAllDocuments(await readFile(file, 'utf8'));
  return documents.map((doc) => doc.toJS() as unknown).filter((value): value is Manifest => typeof value === 'object' && value !== null);
}

/** Every manifest in the YAML files of `dir` (not recursive; kustomization files skipped). */
export async function readManifestDir(dir: string): Promise<Manifest[]> {
  const names = (await readdir(dir)).filter((name) => /\.ya?ml$/.test(name) && !/^kustomization\.ya?ml$/.test(name)).sort();
  return (await Promise.all(names.map((name) => readManifests(join(dir, name))))).flat();
}

/** The one manifest of `kind` (and `name`, when given) in `manifests`; throws when there is none. */
export function findManifest(manifests: Manifest[], kind: string, name?: string): Manifest {
  const found = manifests.find((m) => m.kind === kind && (name === undefined || m.metadata?.name === name));
  if (!found) throw new ManifestNotFoundError(`no ${kind}${name === undefined ? '' : ` named ${name}`} in the knative/ manifests`);
  return found;
}
