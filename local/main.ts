/**
 * `npm start`: the whole system on this machine (see local/embedded). Prints where everything
 * listens and what to type next, then `Ready`; Ctrl-C or SIGTERM stops it all and exits 0.
 * Bad arguments exit 2, a failed start exits 1, and so does a watcher whose credentials are refused.
 */
import { parseCliArgs, USAGE, UsageError } from './embedded/cli-args.js';
import type { EmbeddedOptions, EmbeddedSystem } from './embedded/index.js';

function fail(code: number, message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

function optionsFromArgs(): EmbeddedOptions {
  try {
    const command = parseCliArgs(process.argv.slice(2));
    if (command.kind === 'start') return command.options;
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  } catch (err) {
    if (err instanceof UsageError) fail(2, `npm start: ${err.message}\n\n${USAGE}`);
    throw err;
  }
}

/**
 * A Ctrl-C can arrive more than once: the terminal signals the whole process group, and npm passes the
 * signal on to its child as well. Copies within this window are one Ctrl-C.
 */
const SAME_SIGNAL_MS = 1000;

/** The first signal stops everything in order; another one, a second later or more, gives up waiting. */
function stopOnSignals(started: Promise<EmbeddedSystem>): void {
  let firstAt: number | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (firstAt !== undefined) {
      if (performance.now() - firstAt < SAME_SIGNAL_MS) return;
      fail(1, `${signal} again: exiting without waiting for the rest to stop`);
    }
    firstAt = performance.now();
    process.stdout.write(`${signal}: stopping\n`);
    started
      .then((system) => system.stop())
      .then(
        () => process.exit(0),
        (err: unknown) => fail(1, `npm start: ${err instanceof Error ? err.message : String(err)}`),
      );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/** A watcher whose credentials are refused has ended: stop the rest and exit 1, as the ContainerSource does. */
function exitWhenASourceEnds(system: EmbeddedSystem): void {
  for (const source of Object.values(system.sources)) {
    source.ended.catch((err: unknown) => {
      process.stderr.write(`npm start: ${err instanceof Error ? err.message : String(err)}; stopping\n`);
      void system.stop().finally(() => process.exit(1));
    });
  }
}

const options = optionsFromArgs();
// Loaded after the arguments are checked, so that --help and mistakes answer at once.
const { nextSteps, startEmbedded } = await import('./embedded/index.js');
const started = startEmbedded(options);
stopOnSignals(started);
started.then(
  (system) => {
    exitWhenASourceEnds(system);
    process.stdout.write(`${nextSteps(system)}\nReady\n`);
  },
  (err: unknown) => fail(1, `npm start: ${err instanceof Error ? err.message : String(err)}`),
);
