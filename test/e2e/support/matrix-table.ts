/** The fault matrix's figures, one row per fault, as a markdown table. */
import type { RowOutcome } from './row-requests.js';

export interface RowFigures extends RowOutcome {
  row: string;
  /** What was injected, as counted while the row ran. */
  faults: string;
  /** Resync pings the row needed before every request had completed and no run was left. */
  sweeps: number;
  /** Deliveries the broker gave up (the dead-letter sink's share), repaired by the sweeps. */
  deadLetters: number;
  ms: number;
}

const COLUMNS: Array<[string, (f: RowFigures) => string]> = [
  ['row', (f) => f.row],
  ['faults injected', (f) => f.faults],
  ['requests', (f) => String(f.requests)],
  ['completed', (f) => `${f.completed} (${f.requests === 0 ? 0 : Math.round((100 * f.completed) / f.requests)}%)`],
  ['duplicate runs', (f) => String(f.duplicateRuns)],
  ['leftover runs', (f) => String(f.leftoverRuns)],
  ['resync sweeps', (f) => String(f.sweeps)],
  ['dead letters', (f) => String(f.deadLetters)],
  ['time', (f) => `${(f.ms / 1000).toFixed(1)} s`],
];

export function matrixTable(rows: RowFigures[]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [
    line(COLUMNS.map(([title]) => title)),
    line(COLUMNS.map(() => '---')),
    ...rows.map((figures) => line(COLUMNS.map(([, cell]) => cell(figures)))),
  ].join('\n');
}
