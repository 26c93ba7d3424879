/**
 * The core's logger: levelled, with named children (`log.child('uploader')`), handed in by the entry
 * point (the CLI and the Electron shell build it on pino; tests pass none and log nothing). Lines
 * carry ids, counts and error messages, never patient data: no names, no field values, no search text.
 */
import pino from 'pino';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(name: string): Logger;
}

const noop = () => {};
export const silentLogger: Logger = {
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  child: () => silentLogger,
};

function adapt(p: pino.Logger): Logger {
  return {
    debug: (m, f) => p.debug(f ?? {}, m),
    info: (m, f) => p.info(f ?? {}, m),
    warn: (m, f) => p.warn(f ?? {}, m),
    error: (m, f) => p.error(f ?? {}, m),
    child: (name) => adapt(p.child({ module: name })),
  };
}

/** A pino-backed logger writing JSON lines to `destination` (default stderr). */
export function createLogger(
  level: LogLevel,
  destination: pino.DestinationStream = pino.destination(2),
): Logger {
  return adapt(pino({ level, base: { module: 'core' } }, destination));
}
