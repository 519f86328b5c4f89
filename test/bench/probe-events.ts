/**
 * The first event of each function's cold start: a well-formed event of a type the function consumes,
 * about a request or run that does not exist. Each function does what its events start with (parse,
 * build its clients, read the cluster) and answers; nothing is left behind for the load that follows.
 */
import { CloudEvent } from 'cloudevents';
import { INTERNAL_REQUESTS, PIPELINE_RUNS, apiVersionOf } from '../../shared/api/index.js';
import {
  INTERNAL_REQUEST_ADMITTED,
  INTERNAL_REQUEST_COMPLETED,
  PING,
  domainEvent,
  resourceEvent,
} from '../../shared/events/index.js';
import type { FunctionName } from '../../local/embedded/index.js';
import { TENANT_NAMESPACE } from './instant-pipeline.js';
import type { SystemInfo } from './parts.js';

const ABSENT = { namespace: TENANT_NAMESPACE, name: 'cold-start-probe', uid: '00000000-0000-4000-8000-000000000000' };

export function probeEvent(target: FunctionName, info: SystemInfo): CloudEvent<unknown> {
  const run = { namespace: info.pipelineRunNamespace, name: `internalrequest-${ABSENT.uid}` };
  switch (target) {
    case 'admission':
      return resourceEvent('add', { apiVersion: apiVersionOf(INTERNAL_REQUESTS), kind: INTERNAL_REQUESTS.kind, metadata: ABSENT }, { source: info.publicServer, plural: INTERNAL_REQUESTS.plural });
    case 'pipelinerun-creator':
      return domainEvent('admission', INTERNAL_REQUEST_ADMITTED, ABSENT);
    case 'status-relay': {
      const object = { apiVersion: apiVersionOf(PIPELINE_RUNS), kind: PIPELINE_RUNS.kind, metadata: { ...run, uid: 'run-uid', resourceVersion: '1' } };
      return resourceEvent('update', object, { source: info.internalServer, plural: PIPELINE_RUNS.plural });
    }
    case 'cleanup':
      return domainEvent('status-relay', INTERNAL_REQUEST_COMPLETED, { ...ABSENT, pipelineRun: `${run.namespace}/${run.name}` });
    case 'resync':
      return new CloudEvent({ type: PING, source: '/apis/v1/namespaces/internal-services/pingsources/resync', datacontenttype: 'application/json', data: {} });
  }
}
