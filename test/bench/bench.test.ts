/** The bench's pure parts: argument parsing, percentiles, budgets, the table and the API-call rows. No timing here. */
import { describe, expect, it } from '@jest/globals';
import { BenchUsageError, DEFAULT_RATE, DEFAULT_REQUESTS, parseBenchArgs } from './args.js';
import { BUDGETS, budgetFailures, judge } from './budgets.js';
import type { Budget, Figure } from './budgets.js';
import { apiCallFigures, capacityFigures, coldStartFigures, cpuFigures } from './figures.js';
import type { LoadResult } from './load.js';
import { NoSamplesError, median, percentile } from './stats.js';
import { formatNumber } from './format.js';
import { formatTable } from './table.js';

describe('bench arguments', () => {
  it('when none are given, then 300 requests at 50/s, no check, no JSON', () => {
    expect(parseBenchArgs([])).toEqual({ kind: 'run', options: { requests: DEFAULT_REQUESTS, rate: DEFAULT_RATE, check: false, json: undefined, cpuProfileDir: undefined } });
    expect([DEFAULT_REQUESTS, DEFAULT_RATE]).toEqual([300, 50]);
  });

  it('when every option is given, then each is read', () => {
    expect(parseBenchArgs(['--requests', '200', '--rate', '12.5', '--check', '--json', 'out.json', '--cpu-prof', 'profiles'])).toEqual({
      kind: 'run',
      options: { requests: 200, rate: 12.5, check: true, json: 'out.json', cpuProfileDir: 'profiles' },
    });
  });

  it('when --help is given, then help', () => {
    expect(parseBenchArgs(['--help', '--requests', 'x'])).toEqual({ kind: 'help' });
  });

  it.each([
    [['--requests', '0'], /--requests takes a whole number above 0/],
    [['--requests', '2.5'], /--requests takes a whole number above 0/],
    [['--requests', ''], /--requests takes/],
    [['--rate=-1'], /--rate takes a number above 0, not "-1"/],
    [['--rate', 'fast'], /--rate takes a number above 0, not "fast"/],
    [['--json', ''], /--json needs a file name/],
    [['--cpu-prof', ''], /--cpu-prof needs a directory/],
    [['--turbo'], /turbo/],
    [['extra'], /extra/],
  ])('when %j, then a usage error naming it', (argv, message) => {
    expect(() => parseBenchArgs(argv)).toThrow(BenchUsageError);
    expect(() => parseBenchArgs(argv)).toThrow(message);
  });
});

describe('percentiles (nearest rank)', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => 100 - i); // 100 … 1, unsorted on purpose

  it.each([
    [50, 50],
    [99, 99],
    [100, 100],
    [1, 1],
    [0.5, 1],
  ])('p%d of 1 … 100 is %d', (p, value) => {
    expect(percentile(hundred, p)).toBe(value);
  });

  it('is always one of the samples: p99 of 500 is the 5th slowest', () => {
    const samples = Array.from({ length: 500 }, (_, i) => i + 1);
    expect(percentile(samples, 99)).toBe(495);
  });

  it('the median of an even count is the lower middle sample; of one sample, that sample', () => {
    expect(median([4, 1, 3, 2])).toBe(2);
    expect(median([7])).toBe(7);
  });

  it('when there are no samples or p is out of range, then it throws', () => {
    expect(() => percentile([], 50)).toThrow(NoSamplesError);
    expect(() => percentile([1], 0)).toThrow(RangeError);
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });
});

describe('budgets', () => {
  const budgets: Budget[] = [
    { key: 'cpu', figure: 'CPU', max: 10, unit: 'ms' },
    { key: 'p99', figure: 'p99', max: 500, unit: 'ms', atRate: 50 },
  ];

  it('the budgets are all in the one table, once each, with the rate each holds at', () => {
    expect(BUDGETS.map((b) => [b.key, b.max, b.unit, b.atRate])).toEqual([
      ['api-calls', 8, 'calls', undefined],
      ['runs-deleted-twice', 0, 'deletes', undefined],
      ['cpu', 10, 'ms', 100],
      ['p99', 500, 'ms', 50],
      ['cold-start', 2.5, '× node -e 0', undefined],
      ['rss-first-event', 70, 'MB', undefined],
      ['watcher-rss', 80, 'MB', undefined],
    ]);
  });

  it.each([
    [9.99, 'ok'],
    [10, 'ok'],
    [10.01, 'over'],
    [undefined, 'not measured'],
    [Number.NaN, 'not measured'],
  ])('a figure of %p against a budget of 10 is %s', (value, verdict) => {
    expect(judge([{ name: 'CPU', value, unit: 'ms', budget: 'cpu' }], { rate: 50 }, budgets)[0]?.verdict).toBe(verdict);
  });

  it('when the budget holds at another rate, then the figure is shown, not checked; at its rate it is checked', () => {
    const figure: Figure = { name: 'p99', value: 900, unit: 'ms', budget: 'p99' };
    expect(judge([figure], { rate: 20 }, budgets)[0]).toMatchObject({ verdict: 'not checked', why: 'its budget holds at 50 requests/s offered' });
    expect(judge([figure], { rate: 50 }, budgets)[0]?.verdict).toBe('over');
  });

  it('when a figure names the rate it was measured at, then that rate decides whether its budget is checked, not the run\'s', () => {
    const atOwnRate: Figure = { name: 'p99 at 50', value: 900, unit: 'ms', budget: 'p99', rate: 50 };
    const atOtherRate: Figure = { ...atOwnRate, name: 'p99 at 100', rate: 100 };
    const judged = judge([atOwnRate, atOtherRate], { rate: 100 }, budgets);
    expect(judged.map((f) => f.verdict)).toEqual(['over', 'not checked']);
  });

  it('a figure without a budget has no verdict', () => {
    expect(judge([{ name: 'rate', value: 3, unit: 'req/s' }], { rate: 50 }, budgets)[0]?.verdict).toBeUndefined();
  });

  it('--check names each figure over its budget or not measured, and nothing else', () => {
    const judged = judge(
      [
        { name: 'CPU', value: 12.3456, unit: 'ms', budget: 'cpu' },
        { name: 'CPU of a part', value: 99, unit: 'ms' },
        { name: 'p99', value: undefined, unit: 'ms', budget: 'p99', note: 'the phase failed' },
        { name: 'CPU again', value: 3, unit: 'ms', budget: 'cpu' },
      ],
      { rate: 50 },
      budgets,
    );
    expect(budgetFailures(judged)).toEqual(['CPU: 12.3 ms > 10 ms', 'p99: not measured (the phase failed); budget 500 ms']);
  });
});

describe('the table', () => {
  it.each([
    [1234.56, '1235'],
    [123.4, '123'],
    [12.34, '12.3'],
    [1.234, '1.23'],
    [0.0123, '0.01'],
    [7, '7'],
    [0, '0'],
  ])('%p is written %s', (value, text) => {
    expect(formatNumber(value)).toBe(text);
  });

  it('one row per figure: value with unit, budget, verdict and note; pipes escaped', () => {
    const judged = judge(
      [
        { name: 'CPU per request', value: 12.5, unit: 'ms', budget: 'cpu', note: 'a | b' },
        { name: 'rate', value: undefined, unit: 'req/s' },
      ],
      { rate: 50 },
      [{ key: 'cpu', figure: 'CPU', max: 10, unit: 'ms' }],
    );
    expect(formatTable(judged).split('\n')).toEqual([
      '| Figure | Value | Budget | Verdict | How / note |',
      '| --- | ---: | ---: | --- | --- |',
      '| CPU per request | 12.5 ms | ≤ 10 ms | **over** | a \\| b |',
      '| rate | — |  |  |  |',
    ]);
  });
});

describe('API calls per request', () => {
  const requests = {
    public: [
      { verb: 'create', resource: 'internalrequests', count: 10 },
      { verb: 'watch', resource: 'internalrequests', count: 2 },
      { verb: 'get', resource: 'internalrequests', count: 30 },
    ],
    internal: [
      { verb: 'create', resource: 'pipelineruns', count: 10 },
      { verb: 'delete', resource: 'pipelineruns', count: 12 },
      { verb: 'patch', resource: 'pipelineruns/status', count: 20 },
      { verb: 'get', resource: 'pipelines', count: 10 },
      { verb: 'get', resource: 'internalservicesconfigs', count: 2 },
    ],
  };

  it('by cluster, verb and resource, the bench\'s own calls left out; the budgeted total leaves out the local runner\'s (Tekton\'s) calls and the config\'s periodic reads, the rows after it have them', () => {
    const figures = apiCallFigures(requests, { 'create internalrequests': 10, 'watch internalrequests': 1 }, 10);
    expect(figures.map((f) => [f.name, f.value, f.budget])).toEqual([
      ['API calls per request: public get internalrequests', 3, undefined],
      ['API calls per request: public watch internalrequests', 0.1, undefined],
      ["API calls per request: internal patch pipelineruns/status (the local runner, Tekton's stand-in)", 2, undefined],
      ['API calls per request: internal delete pipelineruns', 1.2, undefined],
      ['API calls per request: internal create pipelineruns', 1, undefined],
      ["API calls per request: internal get pipelines (the local runner, Tekton's stand-in)", 1, undefined],
      ['API calls per request: internal get internalservicesconfigs', 0.2, undefined],
      ['API calls per request, all clients of the system', 5.3, 'api-calls'],
      ['config reads in the window', 2, undefined],
      ["API calls per request, the local runner (Tekton's stand-in) included", 8.5, undefined],
      ['PipelineRun deletes beyond one per run', 2, 'runs-deleted-twice'],
    ]);
  });

  it('when every run is deleted once, then no run counts as deleted twice', () => {
    const once = { ...requests, internal: [{ verb: 'create', resource: 'pipelineruns', count: 10 }, { verb: 'delete', resource: 'pipelineruns', count: 10 }] };
    expect(apiCallFigures(once, {}, 10).at(-1)?.value).toBe(0);
  });
});

describe('cold start rows', () => {
  it('the ratio is the median of each start over the node -e 0 timed right before it; RSS is the highest seen', () => {
    const starts = [
      { ms: 300, baselineMs: 100, rssMb: 60, status: 204 },
      { ms: 900, baselineMs: 150, rssMb: 72, status: 204 }, // the machine got busy: both took longer
      { ms: 500, baselineMs: 125, rssMb: 65, status: 204 },
    ];
    const [ratio, rss] = coldStartFigures('admission', starts);
    expect(ratio).toMatchObject({ name: 'cold start: admission', value: 4, budget: 'cold-start', note: 'median of 3: 500 ms, answered 204' });
    expect(rss).toMatchObject({ name: 'RSS after the first event: admission', value: 72, budget: 'rss-first-event' });
  });

  it('when nothing was measured, then both rows are unmeasured', () => {
    expect(coldStartFigures('resync', []).map((f) => f.value)).toEqual([undefined, undefined]);
  });
});

describe('CPU rows', () => {
  it('per request: the whole system at each rate offered, against its budget, each part of the split run, and their sum', () => {
    const whole = [{ rate: 50, cpuMs: 1100, requests: 100 }, { rate: 100, cpuMs: 900, requests: 100 }];
    const figures = cpuFigures(whole, { clusters: 200, functions: 500, broker: 150, watchers: 100, runner: 50 }, 100);
    expect(figures.map((f) => [f.name, f.value, f.budget, f.rate])).toEqual([
      ['CPU per request, whole embedded system, at 50 requests/s offered', 11, 'cpu', 50],
      ['CPU per request, whole embedded system, at 100 requests/s offered', 9, 'cpu', 100],
      ['CPU per request: API servers (both)', 2, undefined, undefined],
      ['CPU per request: functions (all five)', 5, undefined, undefined],
      ['CPU per request: broker', 1.5, undefined, undefined],
      ['CPU per request: watchers (both)', 1, undefined, undefined],
      ['CPU per request: local pipeline runner', 0.5, undefined, undefined],
      ['CPU per request: sum of the five parts', 10, undefined, undefined],
    ]);
  });

  it('when a whole-system figure says how it was made (a median of loads), then that is its note', () => {
    const [row] = cpuFigures([{ rate: 100, cpuMs: 900, requests: 100, note: 'median of 3 loads' }], undefined, 100);
    expect(row).toMatchObject({ value: 9, rate: 100, budget: 'cpu', note: 'median of 3 loads' });
  });
});

describe('capacity rows', () => {
  const load = (completed: number, spanSeconds: number, latenciesMs: number[]): LoadResult => ({
    latenciesMs, outcomes: { Succeeded: completed }, completed, spanSeconds, offerSeconds: spanSeconds, createFailures: [], ownCalls: { 'create internalrequests': 0, 'watch internalrequests': 0 },
  });

  it('the rate sustained is the lowest of the loads, and the p99 the highest: the system kept up with each', () => {
    const figures = capacityFigures([load(300, 3, [10, 20]), load(300, 4, [5, 50]), load(300, 3.2, [7])], 100);
    expect(figures.map((f) => [f.name, f.value])).toEqual([
      ['requests/s sustained at 100 requests/s offered', 75],
      ['create → Succeeded p99 at 100 requests/s offered', 50],
    ]);
  });
});
