export { startPipelineRunner, PIPELINES } from './runner.js';
export type { PipelineRunner, PipelineRunnerOptions } from './runner.js';
