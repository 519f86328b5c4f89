/**
 * What a test cluster holds before `ready`: our CRDs and Tekton's real ones, Established, and the
 * namespaces a suite names. Tekton's CRDs come from the Tekton module the test bed pins (the release
 * docs/test-bed.md documents), read from the Go module cache rather than copied into this repository.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { goCommand } from './binaries.js';
import type { ControlPlane } from './control-plane.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const TEKTON_MODULE = 'github.com/tektoncd/pipeline';

/** The file the local API server serves as Tekton's CRDs; a real cluster gets Tekton's own instead. */
export const TEKTON_STAND_IN = 'local/crds/tekton.yaml';

interface Crd { kind: string; metadata: { name: string }; spec: { conversion?: unknown } & Record<string, unknown> }

export function readYamlObjects(path: string): Array<Record<string, unknown>> {
  return parseAllDocuments(readFileSync(path, 'utf8'))
    .map((doc) => doc.toJS() as Record<string, unknown> | null)
    .filter((o): o is Record<string, unknown> => o !== null && typeof o === 'object');
}

/** Tekton's CRDs at the pinned release, from the module cache (downloaded on first use). */
export function tektonCrdFiles(): string[] {
  const cwd = join(ROOT, 'test', 'kube', 'tekton');
  const go = goCommand();
  execFileSync(go, ['mod', 'download', TEKTON_MODULE], { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
  const dir = execFileSync(go, ['list', '-m', '-f', '{{.Dir}}', TEKTON_MODULE], { cwd, encoding: 'utf8' }).trim();
  const crds = join(dir, 'config', '300-crds');
  return readdirSync(crds).filter((f) => f.endsWith('.yaml')).sort().map((f) => join(crds, f));
}

/**
 * Tekton converts between v1beta1 and v1 in its webhook, which does not run here. Only v1 (the storage
 * version) is used, so no conversion is ever needed; without the webhook stanza the API server never
 * tries to reach a Service that does not exist.
 */
function withoutConversionWebhook(crd: Crd): Crd {
  if (crd.spec.conversion === undefined) return crd;
  return { ...crd, spec: { ...crd.spec, conversion: { strategy: 'None' } } };
}

export function crdObjects(files: string[]): Crd[] {
  const paths = files.flatMap((file) => (file.endsWith(TEKTON_STAND_IN) ? tektonCrdFiles() : [resolve(ROOT, file)]));
  return paths.flatMap(readYamlObjects).filter((o): o is Crd & Record<string, unknown> => o['kind'] === 'CustomResourceDefinition').map(withoutConversionWebhook);
}

async function expectOk(what: string, answer: Promise<{ status: number; body: unknown }>, alsoOk: number[] = []): Promise<unknown> {
  const { status, body } = await answer;
  if ((status < 200 || status > 299) && !alsoOk.includes(status)) throw new Error(`${what}: HTTP ${status}: ${JSON.stringify(body)}`);
  return body;
}

function established(body: unknown): boolean {
  const conditions = (body as { status?: { conditions?: Array<{ type: string; status: string }> } }).status?.conditions ?? [];
  return conditions.some((c) => c.type === 'Established' && c.status === 'True');
}

export async function installCrds(plane: ControlPlane, crds: Crd[]): Promise<void> {
  await Promise.all(crds.map((crd) => expectOk(`create CRD ${crd.metadata.name}`, plane.call('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd))));
  const deadline = Date.now() + 60_000;
  for (const crd of crds) {
    const path = `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}`;
    while (!established(await expectOk(`read CRD ${crd.metadata.name}`, plane.call('GET', path)))) {
      if (Date.now() > deadline) throw new Error(`CRD ${crd.metadata.name} is not Established after 60 s`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  await waitForDiscovery(plane, crds);
}

/** Established is not yet served: wait until each group-version lists the CRD's plural, and a list of it answers. */
async function waitForDiscovery(plane: ControlPlane, crds: Crd[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (const crd of crds) {
    const spec = crd.spec as { group: string; names: { plural: string }; versions: Array<{ name: string; served: boolean }> };
    for (const version of spec.versions.filter((v) => v.served)) {
      for (;;) {
        const { status, body } = await plane.call('GET', `/apis/${spec.group}/${version.name}`);
        const names = status === 200 ? ((body as { resources?: Array<{ name: string }> }).resources ?? []).map((r) => r.name) : [];
        // Discoverable is not yet listable: until its storage is initialized, a list answers 503.
        if (names.includes(spec.names.plural) && (await plane.call('GET', `/apis/${spec.group}/${version.name}/${spec.names.plural}?limit=1`)).status === 200) break;
        if (Date.now() > deadline) throw new Error(`${spec.names.plural}.${spec.group}/${version.name} is not discoverable and listable after 60 s`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }
}

export async function createNamespaces(plane: ControlPlane, names: string[]): Promise<void> {
  await Promise.all(names.map((name) =>
    expectOk(`create namespace ${name}`, plane.call('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }), [409])));
}

/** The kinds a test cluster is given as objects, by their collection under `/api/v1` or an API group. */
const COLLECTIONS: Record<string, { prefix: string; plural: string }> = {
  ServiceAccount: { prefix: '/api/v1', plural: 'serviceaccounts' },
  ClusterRole: { prefix: '/apis/rbac.authorization.k8s.io/v1', plural: 'clusterroles' },
  ClusterRoleBinding: { prefix: '/apis/rbac.authorization.k8s.io/v1', plural: 'clusterrolebindings' },
  Role: { prefix: '/apis/rbac.authorization.k8s.io/v1', plural: 'roles' },
  RoleBinding: { prefix: '/apis/rbac.authorization.k8s.io/v1', plural: 'rolebindings' },
};

export interface InstallableObject { kind: string; metadata: { name: string; namespace?: string } }

export function isInstallable(object: { kind: string }): boolean {
  return object.kind in COLLECTIONS;
}

/** Creates the objects (ServiceAccounts and RBAC) as the admin, their namespaces first; existing ones are kept. */
export async function createObjects(plane: ControlPlane, objects: InstallableObject[]): Promise<void> {
  await createNamespaces(plane, [...new Set(objects.flatMap((o) => (o.metadata.namespace ? [o.metadata.namespace] : [])))]);
  for (const object of objects) {
    const collection = COLLECTIONS[object.kind];
    if (!collection) throw new Error(`only ServiceAccounts and RBAC objects can be installed here, not ${object.kind}`);
    const ns = object.metadata.namespace ? `/namespaces/${object.metadata.namespace}` : '';
    await expectOk(`create ${object.kind} ${object.metadata.name}`, plane.call('POST', `${collection.prefix}${ns}/${collection.plural}`, object), [409]);
  }
}
