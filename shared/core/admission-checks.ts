import { SYSTEM_SERVICE_ACCOUNTS } from '../api/index.js';
import type { InternalRequest, InternalServicesConfigSpec, Param } from '../api/index.js';
import { duplicateParamName, invalidParamName, resultReferenceIn } from './tekton-params.js';
import { timeoutsRefusal } from './tekton-timeouts.js';

/** One admission rule: the reason to reject a request, or undefined when the rule is satisfied. */
export interface AdmissionCheck {
  name: string;
  reject(ir: InternalRequest, config: InternalServicesConfigSpec): string | undefined;
}

/** Bounds that keep a request from failing later, when its PipelineRun is written. */
export const ADMISSION_LIMITS = {
  /** Entries of spec.params. */
  params: 256,
  /** Bytes of all spec.params names and values together. */
  paramBytes: 512 * 1024,
  /** Labels of the request; the PipelineRun gets these plus three system labels. */
  labels: 64,
  /** A label value's length; the request's name becomes one on its PipelineRun. */
  labelValue: 63,
} as const;

/** Formats a list the way the reference controller's messages do (Go's `%v`). */
function goList(items: readonly string[]): string {
  return `[${items.join(' ')}]`;
}

function paramValue(params: readonly Param[], name: string): string {
  return params.find((param) => param.name === name)?.value ?? '';
}

/** The reference's rule, kept on purpose: an empty allowList rejects every namespace. */
const namespaceAllowed: AdmissionCheck = {
  name: 'namespace-allowed',
  reject: (ir, config) =>
    config.allowList.includes(ir.metadata.namespace)
      ? undefined
      : `the internal request namespace (${ir.metadata.namespace}) is not in the allow list`,
};

const gitResolverUrlAllowed: AdmissionCheck = {
  name: 'git-resolver-url-allowed',
  reject: (ir, config) => {
    const { resolver, params } = ir.spec.pipeline.pipelineRef;
    const allowed = config.allowedGitResolverURLs;
    if (resolver !== 'git' || allowed.length === 0) return undefined;
    const url = paramValue(params, 'url');
    return allowed.includes(url)
      ? undefined
      : `the pipeline git resolver URL (${url}) is not in the allowed list: ${goList(allowed)}`;
  },
};

const resolverAllowed: AdmissionCheck = {
  name: 'resolver-allowed',
  reject: (ir, config) => {
    const { resolver } = ir.spec.pipeline.pipelineRef;
    const allowed = config.allowedResolvers;
    return allowed.length === 0 || allowed.includes(resolver)
      ? undefined
      : `the pipeline resolver (${resolver}) is not in the allowed list: ${goList(allowed)}`;
  },
};

/** No service account means Tekton's default, which the admin chose, so it is always allowed. */
const serviceAccountAllowed: AdmissionCheck = {
  name: 'service-account-allowed',
  reject: (ir, config) => {
    const account = ir.spec.serviceAccount ?? '';
    const allowed = config.allowedServiceAccounts;
    return account === '' || allowed.length === 0 || allowed.includes(account)
      ? undefined
      : `the service account (${account}) is not in the allowed list: ${goList(allowed)}`;
  },
};

/**
 * The system's own identities hold rights over every run, so no request may borrow one, not even when an
 * allow list names it by mistake.
 */
const serviceAccountNotSystem: AdmissionCheck = {
  name: 'service-account-not-system',
  reject: (ir) => {
    const account = ir.spec.serviceAccount ?? '';
    return SYSTEM_SERVICE_ACCOUNTS.includes(account)
      ? `the service account (${account}) is one of the internal services' own and cannot run a request's pipeline`
      : undefined;
  },
};

const paramNamesValid: AdmissionCheck = {
  name: 'param-names-valid',
  reject: (ir) => {
    const names = Object.keys(ir.spec.params ?? {});
    const refNames = ir.spec.pipeline.pipelineRef.params.map((param) => param.name);
    const refField = 'spec.pipeline.pipelineRef.params';
    return (
      invalidParamName(names, 'spec.params') ??
      invalidParamName(refNames, refField) ??
      duplicateParamName(refNames, refField) ??
      duplicateParamName(names, 'spec.params')
    );
  },
};

const paramsWithinLimits: AdmissionCheck = {
  name: 'params-within-limits',
  reject: (ir) => {
    const entries = Object.entries(ir.spec.params ?? {});
    if (entries.length > ADMISSION_LIMITS.params) {
      return `spec.params has ${entries.length} entries, more than the limit of ${ADMISSION_LIMITS.params}`;
    }
    const bytes = entries.reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + Buffer.byteLength(value), 0);
    return bytes > ADMISSION_LIMITS.paramBytes
      ? `spec.params has ${bytes} bytes, more than the limit of ${ADMISSION_LIMITS.paramBytes}`
      : undefined;
  },
};

/** Tekton refuses a PipelineRun param value naming a task result; it leaves resolver params alone, as this does. */
const paramValuesUseNoResults: AdmissionCheck = {
  name: 'param-values-use-no-results',
  reject: (ir) => {
    for (const [name, value] of Object.entries(ir.spec.params ?? {})) {
      const reference = resultReferenceIn(value);
      if (reference === undefined) continue;
      return (
        `the value of spec.params.${name} uses the task result ${reference}, which a PipelineRun parameter ` +
        'cannot: results exist only inside the run'
      );
    }
    return undefined;
  },
};

const labelsWithinLimits: AdmissionCheck = {
  name: 'labels-within-limits',
  reject: (ir) => {
    const count = Object.keys(ir.metadata.labels ?? {}).length;
    return count > ADMISSION_LIMITS.labels
      ? `metadata.labels has ${count} entries, more than the limit of ${ADMISSION_LIMITS.labels}`
      : undefined;
  },
};

/** The PipelineRun is labelled with the request's name, so the name must be a valid label value. */
const nameFitsLabel: AdmissionCheck = {
  name: 'name-fits-label',
  reject: (ir) =>
    ir.metadata.name.length > ADMISSION_LIMITS.labelValue
      ? `the internal request name (${ir.metadata.name}) is longer than ${ADMISSION_LIMITS.labelValue} ` +
        'characters and cannot label its PipelineRun'
      : undefined,
};

/** Go durations that Tekton accepts together: none negative, tasks and finally within the pipeline. */
const timeoutsTektonAccepts: AdmissionCheck = {
  name: 'timeouts-tekton-accepts',
  reject: (ir) => timeoutsRefusal(ir.spec.timeouts),
};

/** Access rules first, in the reference's order, then the checks that stop a request failing later. */
export const ADMISSION_CHECKS: readonly AdmissionCheck[] = [
  namespaceAllowed,
  gitResolverUrlAllowed,
  resolverAllowed,
  serviceAccountAllowed,
  serviceAccountNotSystem,
  paramNamesValid,
  paramsWithinLimits,
  paramValuesUseNoResults,
  labelsWithinLimits,
  nameFitsLabel,
  timeoutsTektonAccepts,
];
