import { createLogger } from '../../../shared/observability/logger.js';
import type { Logger } from '../../../shared/observability/logger.js';

export type CapturedLine = { level: string; message: string } & Record<string, unknown>;

/** A logger whose JSON lines are kept, parsed, for assertions. */
export function captureLog(): { log: Logger; lines: CapturedLine[] } {
  const lines: CapturedLine[] = [];
  return { log: createLogger({}, { write: (line) => lines.push(JSON.parse(line) as CapturedLine) }), lines };
}
