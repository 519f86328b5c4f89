const compiled = new Map<string, RegExp>();

/**
 * Tests a CRD `pattern` (ECMA-262 syntax, as the schema declares it). Unicode mode is tried first so
 * `.` matches whole characters; patterns only valid without it fall back to the plain flavour.
 */
export function matchesPattern(pattern: string, value: string): boolean {
  let regex = compiled.get(pattern);
  if (regex === undefined) {
    regex = compile(pattern);
    compiled.set(pattern, regex);
  }
  return regex.test(value);
}

function compile(pattern: string): RegExp {
  try {
    return new RegExp(pattern, 'u');
  } catch {
    return new RegExp(pattern);
  }
}
