/** How the bench writes a measured number. */

/** Three significant figures at most, never more than two decimals: 1235, 123, 12.3, 1.23, 0.01. */
export function formatNumber(value: number): string {
  const size = Math.abs(value);
  const decimals = size >= 100 || Number.isInteger(value) ? 0 : size >= 10 ? 1 : 2;
  return value.toFixed(decimals);
}
