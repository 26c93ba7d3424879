/**
 * The core's `Logger` (main/core/logger.ts) over the bench's line log: the workstations under test
 * report errors and warnings into the bench output (shown with `--verbose`), named by module.
 */
import type { LogFields, Logger } from '../main/core/logger.ts';

export function benchLogger(prefix: string, log: (line: string) => void): Logger {
  const line = (level: string) => (message: string, fields?: LogFields) =>
    log(`${prefix} ${level} ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}`);
  return {
    debug: () => {},
    info: line('info'),
    warn: line('warn'),
    error: line('error'),
    child: (name) => benchLogger(`${prefix}[${name}]`, log),
  };
}
