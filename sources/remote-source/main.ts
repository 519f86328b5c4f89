/**
 * The remote watcher as a process (a Knative ContainerSource in production): configured by flags or
 * environment, see SOURCE_USAGE. Stops gracefully on SIGTERM/SIGINT: no new events, in-flight sends
 * finish, exit 0. Exits 1 when the API server refuses the kubeconfig's credentials.
 */
import { parseSourceConfig, SOURCE_USAGE, SourceConfigError } from './config.js';
import { createLogger } from '../../shared/observability/logger.js';
import { errorText } from '../../shared/observability/error-text.js';
import { startResourceSource } from './source.js';

const log = createLogger({ component: 'remote-source' });

async function main(): Promise<void> {
  const options = parseSourceConfig(process.argv.slice(2), process.env);
  const source = await startResourceSource({ ...options, log });
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.log('info', 'shutting down', { signal });
    source.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.log('error', 'shutdown failed', { error: errorText(err) });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  // Refused credentials end the watch; exiting lets the restart read the (rotated) kubeconfig again.
  source.ended.catch(async (err: unknown) => {
    log.log('error', 'stopped: the watch ended', { error: errorText(err) });
    await source.stop();
    process.exit(1);
  });
}

main().catch((err: unknown) => {
  if (err instanceof SourceConfigError) process.stderr.write(`${err.message}\n\n${SOURCE_USAGE}\n`);
  else log.log('error', 'failed to start', { error: errorText(err) });
  process.exit(err instanceof SourceConfigError ? 2 : 1);
});
