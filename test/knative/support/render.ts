/** Renders the kustomize overlays under knative/ with `kubectl kustomize`, as an admin would. */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

export const KNATIVE_DIR = 'knative';

/** Every directory of knative/ with a kustomization, e.g. ['crds', 'private', 'public']. */
export function overlays(root = KNATIVE_DIR): string[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(root, entry.name, 'kustomization.yaml')))
    .map((entry) => entry.name)
    .sort();
}

/** True when a kubectl with kustomize runs here; the manifest tests skip (with a notice) otherwise. */
export function kubectlAvailable(): boolean {
  const probe = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
  return probe.status === 0;
}

export class RenderError extends Error {
  override name = 'RenderError';
}

const rendered = new Map<string, KubeObject[]>();

/** The objects `kubectl kustomize knative/<overlay>` prints (cached per overlay). */
export function render(overlay: string, root = KNATIVE_DIR): KubeObject[] {
  const key = join(root, overlay);
  const cached = rendered.get(key);
  if (cached) return cached;
  const run = spawnSync('kubectl', ['kustomize', key], { encoding: 'utf8' });
  if (run.status !== 0) throw new RenderError(`kubectl kustomize ${key} failed: ${run.stderr || run.error?.message}`);
  const objects = parseAllDocuments(run.stdout).map((doc) => doc.toJS() as KubeObject).filter((obj) => obj !== null);
  rendered.set(key, objects);
  return objects;
}

export function ofKind(objects: KubeObject[], kind: string): KubeObject[] {
  return objects.filter((obj) => obj.kind === kind);
}

export function named(objects: KubeObject[], kind: string, name: string): KubeObject {
  const found = objects.find((obj) => obj.kind === kind && obj.metadata.name === name);
  if (!found) throw new Error(`no ${kind} named ${name}`);
  return found;
}
