/**
 * The patterns of the reference CRDs, kept in one place so the zod schemas and the CRD YAML say the same
 * thing (the CRD equivalence test checks that they do).
 */

/** RFC 1123 label, as the reference CRDs write it (no length limit in the CRD, so none here). */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** `<namespace>/<name>` of the PipelineRun executed for a request. */
export const NAMESPACED_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Storage size of the workspace volume claim: a whole number of KiB, MiB or GiB. */
export const VOLUME_SIZE = /^[1-9][0-9]*(K|M|G)i$/;

/** metav1.Condition `reason`. */
export const CONDITION_REASON = /^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/;

/** metav1.Condition `type`: an optional DNS subdomain prefix and a qualified name. */
export const CONDITION_TYPE =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$/;
