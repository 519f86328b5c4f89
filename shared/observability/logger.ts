export type LogFields = Record<string, unknown>;
export type LogLevel = 'info' | 'warn' | 'error';

export interface Logger {
  log(level: LogLevel, message: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  write?: (line: string) => void;
  now?: () => Date;
  /** The least severe level written: LOG_LEVEL (info | warn | error | silent), read when a line is logged. */
  minLevel?: () => string | undefined;
}

const SEVERITY: Record<string, number> = { info: 0, warn: 1, error: 2, silent: 3 };

function enabled(level: LogLevel, minLevel: string | undefined): boolean {
  return (SEVERITY[level] ?? 0) >= (SEVERITY[minLevel ?? 'info'] ?? 0);
}

/**
 * One JSON object per line on stdout, the shape log collectors in Knative pods parse without help.
 * Callers pass only the fields they mean to show; nothing here walks objects, so Secrets never leak in.
 */
export function createLogger(base: LogFields = {}, options: LoggerOptions = {}): Logger {
  const write = options.write ?? ((line: string): void => void process.stdout.write(`${line}\n`));
  const now = options.now ?? ((): Date => new Date());
  const minLevel = options.minLevel ?? ((): string | undefined => process.env.LOG_LEVEL);
  return {
    log(level, message, fields = {}): void {
      if (!enabled(level, minLevel())) return;
      write(JSON.stringify({ time: now().toISOString(), level, message, ...base, ...fields }));
    },
    child(fields): Logger {
      return createLogger({ ...base, ...fields }, { write, now, minLevel });
    },
  };
}
