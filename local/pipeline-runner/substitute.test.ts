import { describe, expect, it } from '@jest/globals';
import { substitute } from './substitute.js';

const vars = new Map([
  ['params.who', 'world'],
  ['params.a.b', 'dotted'],
  ['results.message.path', '/tmp/r/message'],
  ['tasks.greet.results.message', 'Hello'],
  ['context.pipelineRun.name', 'run-1'],
]);

describe('substitute', () => {
  it('when a text refers to params, results paths, task results and context, then each is replaced', () => {
    const text = 'echo $(params.who) > $(results.message.path); echo $(tasks.greet.results.message) $(context.pipelineRun.name)';
    expect(substitute(text, vars)).toEqual({ text: 'echo world > /tmp/r/message; echo Hello run-1', missing: [] });
  });

  it('when a param is referred to with brackets, then it is the same param', () => {
    expect(substitute(`$(params["a.b"]) $(params['who'])`, vars).text).toBe('dotted world');
  });

  it('when a script uses shell command substitution, then it is left alone', () => {
    expect(substitute('now=$(date +%s) $(cat file)', vars)).toEqual({ text: 'now=$(date +%s) $(cat file)', missing: [] });
  });

  it('when a Tekton reference has no value, then it is reported and left in place', () => {
    expect(substitute('$(params.nope) $(tasks.x.results.y)', vars)).toEqual({
      text: '$(params.nope) $(tasks.x.results.y)',
      missing: ['params.nope', 'tasks.x.results.y'],
    });
  });
});
