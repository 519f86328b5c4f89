import {
  PIPELINE_TYPE_LABEL,
  PIPELINE_TYPE_RELEASE,
  PRIMARY_RESOURCE_ANNOTATION,
  PRIMARY_RESOURCE_TYPE,
  PRIMARY_RESOURCE_TYPE_ANNOTATION,
  REQUEST_NAME_LABEL,
  REQUEST_NAMESPACE_LABEL,
} from '../api/index.js';
import type {
  InternalRequest,
  InternalServicesConfigSpec,
  PipelineRunManifest,
  PipelineRunParam,
  Timeouts,
} from '../api/index.js';

export const PIPELINE_RUN_NAME_PREFIX = 'internalrequest-';

/** Derived from the request's uid, so a duplicate delivery meets AlreadyExists instead of a second run. */
export function pipelineRunName(uid: string): string {
  return `${PIPELINE_RUN_NAME_PREFIX}${uid}`;
}

/**
 * The cluster resolver's parameters the request may not choose: they decide whose Pipeline runs. Matched
 * in any case, because Tekton takes `Namespace` and `namespace` for one name and refuses the pair.
 */
const CLUSTER_RESOLVER_FORCED = ['namespace', 'kind'];

function pipelineRefParams(ir: InternalRequest): PipelineRunParam[] {
  const { resolver, params } = ir.spec.pipeline.pipelineRef;
  const given = params.map(({ name, value }) => ({ name, value }));
  if (resolver !== 'cluster') return given;
  return [
    ...given.filter((param) => !CLUSTER_RESOLVER_FORCED.includes(param.name.toLowerCase())),
    { name: 'namespace', value: ir.metadata.namespace },
    { name: 'kind', value: 'pipeline' },
  ];
}

/** The request's labels, then the system labels, which win. */
function labelsFor(ir: InternalRequest): Record<string, string> {
  return {
    ...ir.metadata.labels,
    [REQUEST_NAME_LABEL]: ir.metadata.name,
    [REQUEST_NAMESPACE_LABEL]: ir.metadata.namespace,
    [PIPELINE_TYPE_LABEL]: PIPELINE_TYPE_RELEASE,
  };
}

const TIMEOUT_FIELDS = ['pipeline', 'tasks', 'finally'] as const;

/** Only the fields that are set, and none at all when none are (Tekton's defaults then apply). */
function timeoutsFor(timeouts: Timeouts | undefined): PipelineRunManifest['spec']['timeouts'] {
  const picked: Record<string, string> = {};
  for (const field of TIMEOUT_FIELDS) {
    const value = timeouts?.[field];
    if (value !== undefined) picked[field] = value;
  }
  return Object.keys(picked).length === 0 ? undefined : picked;
}

function optionalSpec(ir: InternalRequest): Partial<PipelineRunManifest['spec']> {
  const timeouts = timeoutsFor(ir.spec.timeouts);
  const account = ir.spec.serviceAccount ?? '';
  return {
    ...(timeouts === undefined ? {} : { timeouts }),
    ...(account === '' ? {} : { taskRunTemplate: { serviceAccountName: account } }),
  };
}

/** The PipelineRun that executes a request, in the pipeline-run namespace of the internal cluster. */
export function buildPipelineRun(
  ir: InternalRequest,
  config: InternalServicesConfigSpec,
  pipelineRunNamespace: string,
): PipelineRunManifest {
  const { name, namespace, uid } = ir.metadata;
  return {
    apiVersion: 'tekton.dev/v1',
    kind: 'PipelineRun',
    metadata: {
      name: pipelineRunName(uid),
      namespace: pipelineRunNamespace,
      labels: labelsFor(ir),
      annotations: {
        [PRIMARY_RESOURCE_ANNOTATION]: `${namespace}/${name}`,
        [PRIMARY_RESOURCE_TYPE_ANNOTATION]: PRIMARY_RESOURCE_TYPE,
      },
    },
    spec: {
      pipelineRef: { resolver: ir.spec.pipeline.pipelineRef.resolver, params: pipelineRefParams(ir) },
      params: Object.entries(ir.spec.params ?? {}).map(([paramName, value]) => ({ name: paramName, value })),
      ...optionalSpec(ir),
      workspaces: [
        {
          name: config.volumeClaim.name,
          volumeClaimTemplate: {
            spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: config.volumeClaim.size } } },
          },
        },
      ],
    },
  };
}
