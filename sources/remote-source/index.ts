export { startResourceSource } from './source.js';
export type { ResourceSource, ResourceSourceOptions, SourceStats } from './source.js';
export type { CeOverrides } from './resource-event.js';
export type { InProcessSink } from './event-sender.js';
export { parseSourceConfig, SourceConfigError, SOURCE_USAGE } from './config.js';
// What the options and the `ended` promise of a source speak of; the machinery lives in shared/watch.
export { CredentialsRefusedError } from '../../shared/watch/index.js';
export type { BackoffOptions, Delay, StartDeadline } from '../../shared/watch/index.js';
