/** The performance budgets in one table, and the verdict on each measured figure. */
import { formatNumber } from './format.js';

export type BudgetKey = 'api-calls' | 'runs-deleted-twice' | 'cpu' | 'p99' | 'cold-start' | 'rss-first-event' | 'watcher-rss';

export interface Budget {
  key: BudgetKey;
  figure: string;
  /** The figure must not exceed this. */
  max: number;
  unit: string;
  /** The budget holds at this offered rate (requests/s) only; at another rate the figure is shown, not checked. */
  atRate?: number;
}

export const BUDGETS: readonly Budget[] = [
  // Every client of the system, reads and watches included; Tekton's calls (the local runner's) are not the system's.
  { key: 'api-calls', figure: 'API calls per request, all clients of the system', max: 8, unit: 'calls' },
  { key: 'runs-deleted-twice', figure: 'PipelineRun deletes beyond one per run', max: 0, unit: 'deletes' },
  // 10 ms a request is 100 requests/s on one core: judged where the system is offered that many.
  { key: 'cpu', figure: 'CPU per request, whole embedded system', max: 10, unit: 'ms', atRate: 100 },
  { key: 'p99', figure: 'create → Succeeded p99', max: 500, unit: 'ms', atRate: 50 },
  { key: 'cold-start', figure: 'cold start of each function and of the watcher', max: 2.5, unit: '× node -e 0' },
  { key: 'rss-first-event', figure: 'RSS after the first event, each function and the watcher', max: 70, unit: 'MB' },
  { key: 'watcher-rss', figure: 'watcher peak RSS with 10,000 InternalRequests', max: 80, unit: 'MB' },
];

export interface Figure {
  name: string;
  /** undefined when it could not be measured (the note says why). */
  value: number | undefined;
  unit: string;
  budget?: BudgetKey;
  /** The offered rate (requests/s) the figure was measured at, when not the run's own `--rate`. */
  rate?: number;
  note?: string;
}

export type Verdict = 'ok' | 'over' | 'not measured' | 'not checked';

export interface JudgedFigure extends Figure {
  /** Set for figures with a budget. */
  verdict?: Verdict;
  max?: number;
  /** Why a budgeted figure was not checked. */
  why?: string;
}

export class UnknownBudgetError extends Error {
  override name = 'UnknownBudgetError';
}

function budgetOf(key: BudgetKey, budgets: readonly Budget[]): Budget {
  const budget = budgets.find((b) => b.key === key);
  if (budget === undefined) throw new UnknownBudgetError(`no budget ${key}`);
  return budget;
}

/** Each figure with its verdict: a budgeted figure that could not be measured counts as missing its budget. */
export function judge(figures: readonly Figure[], run: { rate: number }, budgets: readonly Budget[] = BUDGETS): JudgedFigure[] {
  return figures.map((figure) => {
    if (figure.budget === undefined) return { ...figure };
    const budget = budgetOf(figure.budget, budgets);
    const judged = { ...figure, max: budget.max };
    if (figure.value === undefined || Number.isNaN(figure.value)) return { ...judged, verdict: 'not measured' };
    if (budget.atRate !== undefined && budget.atRate !== (figure.rate ?? run.rate)) {
      return { ...judged, verdict: 'not checked', why: `its budget holds at ${budget.atRate} requests/s offered` };
    }
    return { ...judged, verdict: figure.value <= budget.max ? 'ok' : 'over' };
  });
}

/** One line per figure that misses its budget (or could not be measured), for `--check`. */
export function budgetFailures(judged: readonly JudgedFigure[]): string[] {
  return judged.flatMap((f) => {
    const budget = `${formatNumber(f.max ?? Number.NaN)} ${f.unit}`;
    if (f.verdict === 'over') return [`${f.name}: ${formatNumber(f.value ?? Number.NaN)} ${f.unit} > ${budget}`];
    if (f.verdict === 'not measured') return [`${f.name}: not measured${f.note ? ` (${f.note})` : ''}; budget ${budget}`];
    return [];
  });
}
