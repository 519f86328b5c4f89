/** The bench's one markdown table. */
import type { JudgedFigure } from './budgets.js';
import { formatNumber } from './format.js';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function valueText(f: JudgedFigure): string {
  return f.value === undefined || Number.isNaN(f.value) ? '—' : `${formatNumber(f.value)} ${f.unit}`.trim();
}

function budgetText(f: JudgedFigure): string {
  return f.max === undefined ? '' : `≤ ${formatNumber(f.max)} ${f.unit}`.trim();
}

function verdictText(f: JudgedFigure): string {
  switch (f.verdict) {
    case undefined:
      return '';
    case 'ok':
      return 'ok';
    case 'over':
      return '**over**';
    case 'not measured':
      return '**not measured**';
    case 'not checked':
      return `not checked (${f.why ?? 'n/a'})`;
  }
}

export function formatTable(figures: readonly JudgedFigure[]): string {
  const rows = figures.map((f) => [f.name, valueText(f), budgetText(f), verdictText(f), f.note ?? '']);
  return [
    '| Figure | Value | Budget | Verdict | How / note |',
    '| --- | ---: | ---: | --- | --- |',
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ].join('\n');
}
