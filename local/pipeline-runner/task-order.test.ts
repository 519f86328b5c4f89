import { describe, expect, it } from '@jest/globals';
import { InvalidTaskGraphError, orderTasks } from './task-order.js';
import type { PipelineTask } from './tekton-types.js';

const task = (name: string, extra: Partial<PipelineTask> = {}): PipelineTask => ({ name, ...extra });
const names = (tasks: PipelineTask[]): string[] => tasks.map((t) => t.name);

describe('orderTasks', () => {
  it('when tasks have no dependencies, then they run in declaration order', () => {
    expect(names(orderTasks([task('a'), task('b'), task('c')]))).toEqual(['a', 'b', 'c']);
  });

  it('when a task runs after a later-declared one, then it waits for it', () => {
    expect(names(orderTasks([task('a', { runAfter: ['c'] }), task('b'), task('c')]))).toEqual(['b', 'c', 'a']);
  });

  it('when a task param uses another task’s result, then that task runs first', () => {
    const consumer = task('use', { params: [{ name: 'm', value: '$(tasks.make.results.out)' }] });
    expect(names(orderTasks([consumer, task('make')]))).toEqual(['make', 'use']);
  });

  it('when dependencies form a cycle or name unknown tasks, then the pipeline is invalid', () => {
    expect(() => orderTasks([task('a', { runAfter: ['b'] }), task('b', { runAfter: ['a'] })])).toThrow(InvalidTaskGraphError);
    expect(() => orderTasks([task('a', { runAfter: ['ghost'] })])).toThrow(/unknown task\(s\) ghost/);
  });
});
