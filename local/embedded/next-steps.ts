/** What `npm start` prints once everything runs: where things are and what to type next. */
import { isAbsolute, join, relative } from 'node:path';
import { INTERNAL_SERVICES_CONFIGS, CONFIG_NAME } from '../../shared/api/index.js';
import { EXAMPLES_DIR } from './project-paths.js';
import type { EmbeddedSystem } from './start-embedded.js';

/** A path as short as it can be said from `cwd` (relative inside it, absolute elsewhere). */
function shown(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

function whereLines(system: EmbeddedSystem, cwd: string): string[] {
  const { clusters, broker, functions } = system.endpoints;
  return [
    `  public cluster    ${clusters.public.server}   kubeconfig ${shown(clusters.public.kubeconfig, cwd)}`,
    `  internal cluster  ${clusters.internal.server}   kubeconfig ${shown(clusters.internal.kubeconfig, cwd)}`,
    `  broker ingress    ${broker}`,
    ...Object.entries(functions).map(([name, url]) => `  function          ${name.padEnd(20)} ${url}`),
    `  all of the above  ${shown(system.endpointsFile, cwd)}`,
    system.events === 'in-process'
      ? '  events            handed from part to part in this process (--over-http: over loopback HTTP, as in a cluster)'
      : '  events            over loopback HTTP, as in a cluster: sources → broker ingress → functions',
  ];
}

function tryLines(system: EmbeddedSystem, cwd: string): string[] {
  const pub = `kubectl --kubeconfig ${shown(system.endpoints.clusters.public.kubeconfig, cwd)}`;
  const int = `kubectl --kubeconfig ${shown(system.endpoints.clusters.internal.kubeconfig, cwd)}`;
  const config = `${INTERNAL_SERVICES_CONFIGS.plural}/${CONFIG_NAME} -n ${system.serviceNamespace}`;
  return [
    `  ${int} apply -f ${shown(join(EXAMPLES_DIR, 'pipeline.yaml'), cwd)}`,
    `  ${pub} apply -f ${shown(join(EXAMPLES_DIR, 'internalrequest.yaml'), cwd)}`,
    `  ${pub} wait --for=condition=Succeeded internalrequest/hello --timeout=60s`,
    `  ${pub} get internalrequest hello -o jsonpath='{.status.results.message}'`,
    '',
    'Look around:',
    `  ${pub} get internalrequests -A`,
    `  ${int} get pipelineruns -n ${system.pipelineRunNamespace}`,
    `  ${int} get ${config} -o yaml   # allowList: the namespaces that may run pipelines`,
    `  curl -s ${system.endpoints.broker}dead-letters   # events no function took, with the reason`,
  ];
}

export function nextSteps(system: EmbeddedSystem, cwd = process.cwd()): string {
  const local = system.localClusters !== undefined;
  return [
    local ? 'Internal Services runs on this machine, with two local clusters:' : 'Internal Services runs here, against your clusters:',
    ...whereLines(system, cwd),
    '',
    local ? 'Try it from another terminal:' : 'Try it (the Pipeline must exist on the internal cluster, your namespace in the config):',
    ...tryLines(system, cwd),
    '',
    'Ctrl-C stops everything.',
  ].join('\n');
}
