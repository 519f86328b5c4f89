/**
 * `npm run apiserver -- --port <p> --kubeconfig <file>`: serves the project's CRDs (knative/crds/*.yaml
 * when present, plus the Tekton stand-ins), writes a kubeconfig, prints `ready <url>`, and stops on
 * SIGINT/SIGTERM.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startApiServer } from './index.js';

const ROOT = resolve(import.meta.dirname, '..', '..');

function projectCrdFiles(): string[] {
  const knative = join(ROOT, 'knative', 'crds');
  const knativeFiles = existsSync(knative)
    ? readdirSync(knative).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => join(knative, f))
    : [];
  return [...knativeFiles, join(ROOT, 'local', 'crds', 'tekton.yaml')];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      kubeconfig: { type: 'string' },
      name: { type: 'string', default: 'local' },
      namespace: { type: 'string', multiple: true, default: [] },
    },
  });
  const server = await startApiServer({
    name: values.name, host: values.host, port: Number(values.port), crdFiles: projectCrdFiles(), namespaces: values.namespace,
  });
  if (values.kubeconfig) await server.writeKubeconfig(values.kubeconfig);
  process.stdout.write(`ready ${server.url}\n`);
  const shutdown = (): void => {
    void server.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(`apiserver: ${(error as Error).message}\n`);
  process.exit(1);
});
