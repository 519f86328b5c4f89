/** Tekton's rules for PipelineRun params (pipeline/v1 validation), as admission messages. */

/** Tekton parameter names: letters, digits, `_`, `-` and `.`, starting with a letter or `_`. */
export const TEKTON_PARAM_NAME = /^[a-zA-Z_][a-zA-Z0-9_.-]*$/;

export function invalidParamName(names: readonly string[], field: string): string | undefined {
  const invalid = names.find((name) => !TEKTON_PARAM_NAME.test(name));
  if (invalid === undefined) return undefined;
  return (
    `the parameter name (${invalid}) in ${field} is not a valid Tekton parameter name: it must start with ` +
    'a letter or underscore and contain only letters, digits, underscores, hyphens and dots'
  );
}

/** Tekton compares param names lowercased, so `url` and `URL` are one name given twice. */
export function duplicateParamName(names: readonly string[], field: string): string | undefined {
  const seen = new Map<string, string>();
  for (const name of names) {
    const first = seen.get(name.toLowerCase());
    if (first === name) return `the parameter name (${name}) appears twice in ${field}`;
    if (first !== undefined) {
      return `the parameter names (${first}) and (${name}) in ${field} differ only in case, and Tekton takes them for one name`;
    }
    seen.set(name.toLowerCase(), name);
  }
  return undefined;
}

/**
 * Tekton's variable-substitution pattern without its `(\.[…]+)*` group: the class before it already
 * takes dots, so the matches are the same, and dropping it keeps a long value from backtracking for ever.
 */
const SUBSTITUTION = /\$\([_a-zA-Z0-9.-]+(?:\[(?:[0-9]+|\*)\])?\)/g;

/** Tekton counts `tasks|finally.<task>.results.<result>[.<key>]` as a result reference, and nothing longer. */
function isResultReference(expression: string): boolean {
  const parts = expression.slice('$('.length, -')'.length).split('.');
  return (parts.length === 4 || parts.length === 5) && (parts[0] === 'tasks' || parts[0] === 'finally') && parts[2] === 'results';
}

/** The first task result reference in a PipelineRun param value: results exist only inside a run. */
export function resultReferenceIn(value: string): string | undefined {
  return value.match(SUBSTITUTION)?.find(isResultReference);
}
