import { describe, expect, it } from '@jest/globals';
import type { InternalRequestStatus } from '../api/index.js';
import { anInternalRequest } from '../api/testing.js';
import { attemptDurationSeconds, attemptLabels, requestMetricName } from './metrics-labels.js';

function gitWith(pathInRepo: string): ReturnType<typeof anInternalRequest> {
  return anInternalRequest({
    spec: { pipeline: { pipelineRef: { resolver: 'git', params: [{ name: 'pathInRepo', value: pathInRepo }] } } },
  });
}

describe('Metrics: request = the pipeline name taken from the pathInRepo param base name without extension', () => {
  it.each([
    ['pipelines/managed/push-to-external-registry/push-to-external-registry.yaml', 'push-to-external-registry'],
    ['simple.yml', 'simple'],
    ['dir/archive.tar.gz', 'archive.tar'],
    ['dir/noext', 'noext'],
    ['dir/sub/', 'sub'],
  ])('%s → %s', (path, name) => {
    expect(requestMetricName(gitWith(path))).toBe(name);
  });

  it('without pathInRepo the label is empty; spec.pipeline.params is read when the resolver has none', () => {
    expect(requestMetricName(anInternalRequest())).toBe('');
    const ir = anInternalRequest({
      spec: {
        pipeline: {
          pipelineRef: { resolver: 'git', params: [] },
          params: [{ name: 'pathInRepo', value: 'p/from-pipeline-params.yaml' }],
        },
      },
    });
    expect(requestMetricName(ir)).toBe('from-pipeline-params');
  });
});

describe('Metrics: attempt labels (request, namespace, reason, succeeded) once completed', () => {
  const status = (statusValue: 'True' | 'False', reason: string): InternalRequestStatus => ({
    startTime: '2025-01-02T03:00:00Z',
    completionTime: '2025-01-02T03:01:30Z',
    conditions: [{ type: 'Succeeded', status: statusValue, reason, message: '', lastTransitionTime: '2025-01-02T03:01:30Z' }],
  });

  it.each([
    { name: 'succeeded', status: status('True', 'Succeeded'), labels: { reason: 'Succeeded', succeeded: 'true' } },
    { name: 'failed', status: status('False', 'Failed'), labels: { reason: 'Failed', succeeded: 'false' } },
    { name: 'running', status: status('False', 'Running'), labels: undefined },
  ])('$name', ({ status: s, labels }) => {
    const result = attemptLabels(anInternalRequest({ status: s }));
    if (labels === undefined) expect(result).toBeUndefined();
    else expect(result).toEqual({ request: '', namespace: 'tenant', ...labels });
  });

  it('duration = completionTime − startTime in seconds', () => {
    expect(attemptDurationSeconds(anInternalRequest({ status: status('True', 'Succeeded') }))).toBe(90);
    expect(attemptDurationSeconds(anInternalRequest())).toBeUndefined();
  });
});
