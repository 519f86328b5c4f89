export { startPipelineRunner, PIPELINES, TASKS } from './runner.js';
export type { PipelineRunner, PipelineRunnerOptions } from './runner.js';
