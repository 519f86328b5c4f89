/**
 * `npm run kube -- --port <p> --kubeconfig <file>`: etcd and a real kube-apiserver on loopback, with
 * our CRDs and Tekton's installed and Established, the rendered RBAC of both overlays applied, and one
 * static-token identity per ServiceAccount they define. Writes the admin's kubeconfig to <file> and one
 * per identity beside it (<file>.<serviceaccount>), prints `ready <url>` like `npm run apiserver`, and
 * stops on SIGINT/SIGTERM, removing everything it started.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { render } from '../knative/support/render.js';
import type { KubeObject } from '../knative/support/render.js';
import { startControlPlane } from './control-plane.js';
import { identityOf } from './kube-cluster.js';
import { createObjects, crdObjects, installCrds, isInstallable } from './install.js';
import { MissingToolError } from './binaries.js';

const CRD_FILES = ['knative/crds/internalrequests.yaml', 'knative/crds/internalservicesconfigs.yaml', 'local/crds/tekton.yaml'];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { port: { type: 'string', default: '0' }, kubeconfig: { type: 'string' }, name: { type: 'string', default: 'kube' } },
  });
  const objects = [...render('public'), ...render('private')];
  const accounts = objects.filter((o) => o.kind === 'ServiceAccount');
  const tokenOf = (sa: KubeObject): string => `system:serviceaccount:${sa.metadata.namespace ?? 'default'}:${sa.metadata.name}`;
  const plane = await startControlPlane({ name: values.name, port: Number(values.port), identities: accounts.map((sa) => identityOf(tokenOf(sa), [])) });
  const shutdown = (): void => void plane.stop().then(() => process.exit(0));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  await installCrds(plane, crdObjects(CRD_FILES));
  await createObjects(plane, objects.filter(isInstallable));
  if (values.kubeconfig) {
    await writeFile(values.kubeconfig, plane.kubeconfig(), { mode: 0o600 });
    for (const sa of accounts) await writeFile(`${values.kubeconfig}.${sa.metadata.name}`, plane.kubeconfig(tokenOf(sa)), { mode: 0o600 });
  }
  process.stdout.write(`ready ${plane.url}\n`);
}

main().catch((error: unknown) => {
  const hint = error instanceof MissingToolError ? '' : '\n(kube-apiserver and etcd logs were in a temporary folder, removed on exit)';
  process.stderr.write(`kube: ${(error as Error).message}${hint}\n`);
  process.exit(1);
});
