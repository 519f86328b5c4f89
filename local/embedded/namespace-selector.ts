/**
 * The namespaces an ApiServerSource's `namespaceSelector` names, read from the selector alone. Knative's
 * reconciler lists the namespaces whose labels match; a local install creates its namespaces before
 * any cluster exists, so it can follow only a selector that names them, by the label the API server
 * puts on every namespace (`kubernetes.io/metadata.name`).
 */
import type { LabelSelector, LabelSelectorRequirement } from './label-selector.js';

export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** The requirement as a set of allowed names; undefined when it allows names it cannot list (or any). */
function allowedNames(requirement: LabelSelectorRequirement): Set<string> | undefined {
  if (requirement.key !== NAMESPACE_NAME_LABEL || requirement.operator !== 'In') return undefined;
  return new Set(requirement.values ?? []);
}

/**
 * The names, sorted (as the reconciler passes them to the adapter), when every requirement is on the
 * name label and at least one of them lists names; undefined when only a cluster can tell which
 * namespaces match (another label, `NotIn`, `Exists`, or an empty selector, which selects them all).
 */
export function namespacesNamedBy(selector: LabelSelector): string[] | undefined {
  const requirements: LabelSelectorRequirement[] = [
    ...Object.entries(selector.matchLabels ?? {}).map(([key, value]): LabelSelectorRequirement => ({ key, operator: 'In', values: [value] })),
    ...(selector.matchExpressions ?? []),
  ];
  let names: Set<string> | undefined;
  for (const requirement of requirements) {
    const allowed = allowedNames(requirement);
    if (allowed === undefined) return undefined;
    names = names === undefined ? allowed : new Set([...names].filter((name) => allowed.has(name)));
  }
  return names === undefined ? undefined : [...names].sort();
}
