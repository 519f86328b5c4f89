/**
 * Tekton variable substitution: `$(params.x)`, `$(params["x"])`, `$(results.r.path)`,
 * `$(tasks.t.results.r)`, `$(context.pipelineRun.name)`, `$(workspaces.w.path)`. Anything else in
 * `$(…)`, such as shell command substitution `$(date)`, is left alone.
 */
const REFERENCE = /\$\(([^()]+)\)/g;
const TEKTON_ROOTS = ['params.', 'params[', 'results.', 'tasks.', 'context.', 'workspaces.'];

export type Variables = ReadonlyMap<string, string>;

export interface Substitution {
  text: string;
  missing: string[]; // Tekton references with no value, e.g. 'params.who'
}

export function substitute(text: string, variables: Variables): Substitution {
  const missing: string[] = [];
  const result = text.replace(REFERENCE, (whole, inner: string) => {
    const key = normalise(inner.trim());
    if (!TEKTON_ROOTS.some((root) => key.startsWith(root))) return whole;
    const value = variables.get(key);
    if (value === undefined) {
      missing.push(key);
      return whole;
    }
    return value;
  });
  return { text: result, missing };
}

/** `params["a.b"]` and `params['a']` name the same parameter as `params.a.b` and `params.a`. */
function normalise(key: string): string {
  return key.replace(/^params\[["']([^"']+)["']\]$/, 'params.$1');
}

/** A param or result value as text: strings as they are, arrays and objects as JSON. */
export function valueText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
