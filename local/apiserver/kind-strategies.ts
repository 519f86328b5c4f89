/**
 * What differs per kind when an object is written: namespaces get their finalizer and phase; CRDs get
 * defaulted names and the status conditions of a CRD the server has accepted and established.
 */
import { defaultCrdNames } from './crd-defs.js';
import { isPlainObject } from './kube-object.js';
import { timestamp } from './object-meta.js';
import type { CrdObject } from './crd-defs.js';
import type { KubeObject } from './kube-object.js';
import type { Strategy } from './resource-def.js';
import type { StatusCause } from './status-errors.js';

export interface KindStrategy {
  /** Fills server-set fields after the generic create/update preparation. */
  prepare(object: KubeObject, stored: KubeObject | undefined, now: Date): void;
  validate(object: KubeObject): StatusCause[];
  /** Whether metadata.generation is kept for this kind. */
  hasGeneration: boolean;
}

const namespaceStrategy: KindStrategy = {
  hasGeneration: false,
  prepare(object, stored) {
    const name = object.metadata.name ?? '';
    object.metadata.labels = { ...object.metadata.labels, 'kubernetes.io/metadata.name': name };
    // spec.finalizers is only changed by the namespace lifecycle, never by clients' writes.
    object.spec = stored ? stored.spec : { finalizers: ['kubernetes'] };
    if (!stored) object.status = { phase: 'Active' };
  },
  validate: () => [],
};

const required = (field: string): StatusCause => ({ reason: 'FieldValueRequired', field, message: 'Required value' });

type CrdSpec = Partial<CrdObject['spec']> | undefined;
const versionsOf = (spec: CrdSpec): CrdObject['spec']['versions'] => (Array.isArray(spec?.versions) ? spec.versions : []);

/** CRD checks in order; each returns its cause or nothing. */
const CRD_CHECKS: Array<(spec: CrdSpec) => StatusCause | undefined> = [
  (spec) => (spec?.group ? undefined : required('spec.group')),
  (spec) => (spec?.names?.plural ? undefined : required('spec.names.plural')),
  (spec) => (spec?.names?.kind ? undefined : required('spec.names.kind')),
  (spec) => (spec?.scope === 'Namespaced' || spec?.scope === 'Cluster' ? undefined : {
    reason: 'FieldValueNotSupported', field: 'spec.scope', message: `Unsupported value: ${JSON.stringify(spec?.scope ?? '')}: supported values: "Cluster", "Namespaced"`,
  }),
  (spec) => (versionsOf(spec).length > 0 ? undefined : required('spec.versions')),
  (spec) => (versionsOf(spec).length === 0 || versionsOf(spec).filter((v) => v.storage).length === 1 ? undefined : {
    reason: 'FieldValueInvalid', field: 'spec.versions', message: 'Invalid value: "versions": must have exactly one version marked as storage version',
  }),
];

function crdCauses(crd: CrdObject): StatusCause[] {
  const spec = crd.spec as CrdSpec;
  const causes = CRD_CHECKS.map((check) => check(spec)).filter((c): c is StatusCause => c !== undefined);
  if (causes.length === 0 && crd.metadata.name !== `${spec?.names?.plural ?? ''}.${spec?.group ?? ''}`) {
    causes.push({ reason: 'FieldValueInvalid', field: 'metadata.name', message: `Invalid value: ${JSON.stringify(crd.metadata.name)}: must be spec.names.plural+"."+spec.group` });
  }
  return causes;
}

function crdStatus(crd: CrdObject, now: Date): Record<string, unknown> {
  const at = timestamp(now);
  const condition = (type: string, reason: string, message: string): object => ({ type, status: 'True', lastTransitionTime: at, reason, message });
  return {
    conditions: [
      condition('NamesAccepted', 'NoConflicts', 'no conflicts found'),
      condition('Established', 'InitialNamesAccepted', 'the initial names have been accepted'),
    ],
    acceptedNames: defaultCrdNames(crd.spec.names),
    storedVersions: crd.spec.versions.filter((v) => v.storage).map((v) => v.name),
  };
}

const crdStrategy: KindStrategy = {
  hasGeneration: true,
  prepare(object, stored, now) {
    const crd = object as unknown as CrdObject;
    if (crdCauses(crd).length > 0) return;
    const previous = stored && isPlainObject(stored.status) ? (stored.status.conditions as unknown) : undefined;
    object.status = crdStatus(crd, now);
    if (Array.isArray(previous) && previous.length > 0) (object.status as Record<string, unknown>).conditions = previous;
  },
  validate: (object) => crdCauses(object as unknown as CrdObject),
};

const customStrategy: KindStrategy = { hasGeneration: true, prepare: () => undefined, validate: () => [] };

export function strategyFor(kind: Strategy): KindStrategy {
  if (kind === 'namespace') return namespaceStrategy;
  if (kind === 'crd') return crdStrategy;
  return customStrategy;
}
