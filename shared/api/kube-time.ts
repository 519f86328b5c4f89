/** A time as the API server writes metav1.Time: RFC 3339 in UTC with whole seconds. */
export function kubeTime(when: Date): string {
  return when.toISOString().replace(/\.\d+Z$/, 'Z');
}
