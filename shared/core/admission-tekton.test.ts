/**
 * Requests whose PipelineRun Tekton v1.9 would refuse on create are rejected by admission, with a message
 * naming the field. Each refusal here was confirmed against Tekton's own validation code by
 * test/kube/tekton-validation.test.ts; each admitted shape is one Tekton accepts.
 */
import { describe, expect, it } from '@jest/globals';
import type { Param } from '../api/index.js';
import { aConfigSpec, anInternalRequest } from '../api/testing.js';
import type { RequestParts } from '../api/testing.js';
import { findRejection } from './admission.js';

function rejectionOf(parts: RequestParts): string | undefined {
  return findRejection(anInternalRequest(parts), aConfigSpec())?.message;
}

function timeouts(given: { pipeline?: string; tasks?: string; finally?: string }): RequestParts {
  return { spec: { timeouts: given } };
}

function pipelineRef(resolver: string, params: Param[]): RequestParts {
  return { spec: { pipeline: { pipelineRef: { resolver, params } } } };
}

const DEFAULT_PIPELINE = "the pipeline timeout (1h0m0s, Tekton's default when spec.timeouts.pipeline is not set)";

describe('Admission (better): timeouts Tekton would refuse are rejected with a message instead of failing later', () => {
  it.each([
    { behaviour: 'tasks within the pipeline → admitted', parts: timeouts({ pipeline: '2h', tasks: '1h' }), rejected: undefined },
    { behaviour: 'tasks + finally exactly the pipeline → admitted', parts: timeouts({ pipeline: '3h', tasks: '1.5h', finally: '90m' }), rejected: undefined },
    { behaviour: 'tasks alone within the default hour → admitted', parts: timeouts({ tasks: '30m' }), rejected: undefined },
    { behaviour: 'tasks + finally exactly the default hour → admitted', parts: timeouts({ tasks: '40m', finally: '20m' }), rejected: undefined },
    { behaviour: 'pipeline 0 (no timeout) with tasks of any length → admitted', parts: timeouts({ pipeline: '0', tasks: '5h' }), rejected: undefined },
    { behaviour: 'pipeline 0 with finally alone → admitted', parts: timeouts({ pipeline: '0', finally: '5h' }), rejected: undefined },
    { behaviour: 'all three 0 (no timeouts) → admitted', parts: timeouts({ pipeline: '0', tasks: '0', finally: '0' }), rejected: undefined },
    { behaviour: 'signs and forms Go reads (+2h, 1.h, 5μs) → admitted', parts: timeouts({ pipeline: '+2h', tasks: '1.h', finally: '5μs' }), rejected: undefined },
    { behaviour: 'negative zero is zero → admitted', parts: timeouts({ pipeline: '-0' }), rejected: undefined },
    {
      behaviour: 'tasks longer than the pipeline → rejected',
      parts: timeouts({ pipeline: '1h', tasks: '2h' }),
      rejected: 'spec.timeouts.tasks (2h) is longer than spec.timeouts.pipeline (1h)',
    },
    {
      behaviour: 'finally longer than the pipeline → rejected',
      parts: timeouts({ pipeline: '1h', finally: '61m' }),
      rejected: 'spec.timeouts.finally (61m) is longer than spec.timeouts.pipeline (1h)',
    },
    {
      behaviour: "tasks alone longer than Tekton's default hour → rejected",
      parts: timeouts({ tasks: '2h' }),
      rejected: `spec.timeouts.tasks (2h) is longer than ${DEFAULT_PIPELINE}`,
    },
    {
      behaviour: 'tasks + finally longer than the pipeline → rejected',
      parts: timeouts({ pipeline: '1h', tasks: '50m', finally: '20m' }),
      rejected: 'spec.timeouts.tasks (50m) + spec.timeouts.finally (20m) is longer than spec.timeouts.pipeline (1h)',
    },
    {
      behaviour: "tasks + finally longer than Tekton's default hour → rejected",
      parts: timeouts({ tasks: '40m', finally: '20m1ns' }),
      rejected: `spec.timeouts.tasks (40m) + spec.timeouts.finally (20m1ns) is longer than ${DEFAULT_PIPELINE}`,
    },
    {
      behaviour: 'tasks 0 (no timeout) under a bounded pipeline → rejected',
      parts: timeouts({ pipeline: '1h', tasks: '0' }),
      rejected: 'spec.timeouts.tasks (0) means no timeout, which does not fit within spec.timeouts.pipeline (1h)',
    },
    {
      behaviour: "finally 0 (no timeout) under Tekton's default hour → rejected",
      parts: timeouts({ finally: '0s' }),
      rejected: `spec.timeouts.finally (0s) means no timeout, which does not fit within ${DEFAULT_PIPELINE}`,
    },
    {
      behaviour: 'tasks + finally under pipeline 0 (no timeout): Tekton still adds them up → rejected',
      parts: timeouts({ pipeline: '0', tasks: '1h', finally: '1h' }),
      rejected:
        'spec.timeouts.tasks (1h) + spec.timeouts.finally (1h) is longer than spec.timeouts.pipeline (0): ' +
        'Tekton adds them up even when the pipeline has no timeout',
    },
    {
      behaviour: 'tasks 0 + finally under pipeline 0 → rejected',
      parts: timeouts({ pipeline: '0', tasks: '0', finally: '1s' }),
      rejected:
        'spec.timeouts.tasks (0) + spec.timeouts.finally (1s) is longer than spec.timeouts.pipeline (0): ' +
        'Tekton adds them up even when the pipeline has no timeout',
    },
    {
      behaviour: "tasks + finally past Go's largest duration wrap negative in Tekton's int64 sum → admitted, as Tekton does",
      parts: timeouts({ pipeline: '0', tasks: '2000000h', finally: '2000000h' }),
      rejected: undefined,
    },
    {
      behaviour: 'the same wrap under a bounded pipeline → admitted, as Tekton does',
      parts: timeouts({ pipeline: '2562047h', tasks: '2000000h', finally: '2000000h' }),
      rejected: undefined,
    },
    {
      behaviour: 'a negative timeout → rejected',
      parts: timeouts({ finally: '-1s' }),
      rejected: 'spec.timeouts.finally (-1s) is negative: a timeout is 0 (no timeout) or longer',
    },
    {
      behaviour: "a duration beyond Go's largest → rejected",
      parts: timeouts({ pipeline: '3000000h' }),
      rejected: 'spec.timeouts.pipeline (3000000h) is out of range: a Go duration is at most 2562047h47m16.854775807s',
    },
    {
      behaviour: 'a duration Go cannot read → rejected',
      parts: timeouts({ tasks: '1 hour' }),
      rejected: 'spec.timeouts.tasks (1 hour) is not a duration such as 1h30m0s',
    },
  ])('$behaviour', ({ parts, rejected }) => {
    expect(rejectionOf(parts)).toBe(rejected);
  });

  it('when a timeout is refused, then the check is named', () => {
    expect(findRejection(anInternalRequest(timeouts({ tasks: '2h' })), aConfigSpec())?.check).toBe('timeouts-tekton-accepts');
  });
});

describe('Admission (better): Tekton param names validated, case-insensitively as Tekton compares them', () => {
  it.each([
    {
      behaviour: 'resolver params differing only in case → rejected',
      parts: pipelineRef('git', [{ name: 'url', value: 'https://a.example/x.git' }, { name: 'URL', value: 'https://b.example/x.git' }]),
      rejected:
        'the parameter names (url) and (URL) in spec.pipeline.pipelineRef.params differ only in case, and Tekton takes them for one name',
    },
    {
      behaviour: 'cluster resolver params Namespace and namespace → rejected, as any case pair is',
      parts: pipelineRef('cluster', [{ name: 'namespace', value: 'a' }, { name: 'Namespace', value: 'b' }]),
      rejected:
        'the parameter names (namespace) and (Namespace) in spec.pipeline.pipelineRef.params differ only in case, and Tekton takes them for one name',
    },
    {
      behaviour: 'a cluster resolver param Namespace alone → admitted (the builder replaces it)',
      parts: pipelineRef('cluster', [{ name: 'name', value: 'hello' }, { name: 'Namespace', value: 'someone-else' }]),
      rejected: undefined,
    },
    {
      behaviour: 'spec.params differing only in case → rejected',
      parts: { spec: { params: { who: 'a', WHO: 'b' } } },
      rejected: 'the parameter names (who) and (WHO) in spec.params differ only in case, and Tekton takes them for one name',
    },
    { behaviour: 'spec.params of distinct names → admitted', parts: { spec: { params: { who: 'a', whom: 'b' } } }, rejected: undefined },
  ])('$behaviour', ({ parts, rejected }) => {
    expect(rejectionOf(parts)).toBe(rejected);
  });
});

describe('Admission (better): param values Tekton would refuse (task result references) are rejected', () => {
  const resultMessage = (name: string, reference: string): string =>
    `the value of spec.params.${name} uses the task result ${reference}, which a PipelineRun parameter cannot: results exist only inside the run`;

  it.each([
    { behaviour: 'a task result → rejected', value: '$(tasks.build.results.digest)', rejected: '$(tasks.build.results.digest)' },
    { behaviour: 'a finally task result → rejected', value: '$(finally.notify.results.id)', rejected: '$(finally.notify.results.id)' },
    { behaviour: 'an array result element, inside other text → rejected', value: 'sha: $(tasks.b.results.list[0])!', rejected: '$(tasks.b.results.list[0])' },
    { behaviour: 'an object result key → rejected', value: '$(tasks.b.results.obj.key)', rejected: '$(tasks.b.results.obj.key)' },
    { behaviour: 'the first of several references is named', value: '$(params.x) $(tasks.a.results.r) $(tasks.b.results.s)', rejected: '$(tasks.a.results.r)' },
    { behaviour: 'a param reference → admitted', value: '$(params.who)', rejected: undefined },
    { behaviour: 'context variables → admitted', value: '$(context.pipelineRun.name)', rejected: undefined },
    { behaviour: 'tasks.<t>.status (not a result) → admitted', value: '$(tasks.build.status)', rejected: undefined },
    { behaviour: 'deeper than task.result.key, which Tekton does not count as a result → admitted', value: '$(tasks.a.results.b.c.d)', rejected: undefined },
    { behaviour: 'a step result, which Tekton does not check here → admitted', value: '$(steps.s.results.r)', rejected: undefined },
    { behaviour: 'text that only looks like one (no closing parenthesis) → admitted', value: '$(tasks.a.results.b', rejected: undefined },
  ])('$behaviour', ({ value, rejected }) => {
    expect(rejectionOf({ spec: { params: { who: value } } })).toBe(rejected === undefined ? undefined : resultMessage('who', rejected));
  });

  it('resolver params are not checked: Tekton does not check them', () => {
    expect(rejectionOf(pipelineRef('http', [{ name: 'url', value: '$(tasks.a.results.b)' }]))).toBeUndefined();
  });

  it('a long value without a reference is judged quickly (no backtracking blow-up)', () => {
    const started = Date.now();
    expect(rejectionOf({ spec: { params: { who: `$(${'a.'.repeat(100_000)}!` } } })).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
