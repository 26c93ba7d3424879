/**
 * The server's one logger: a pino root made from `config.logLevel`, handed to fastify (its request
 * logs are children of it) and to each subsystem as a named child (`log.child({ module: 'jobs' })`),
 * so every line says where it came from.
 *
 * Never log patient data: no bodies, no query strings (they can hold patient names; the request log
 * in `app.ts` names the route pattern instead), no headers that carry secrets.
 */
import { type Logger, pino } from 'pino';
import type { Config } from '../config.ts';

export type { Logger };

export function createLogger(level: Config['logLevel']): Logger {
  return pino({
    level,
    // Bodies are never logged by fastify; headers that carry secrets are masked.
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'req.body', 'res.headers["set-cookie"]'],
      censor: '[redacted]',
    },
  });
}

/**
 * What of an error may be logged: its kind, database code and constraint, and where it was thrown.
 * Never its message: a failed query's message carries the query's parameters (a mutation's whole
 * content, clinical text included), and a database error's `detail` quotes the row's values.
 */
export function loggableError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { type: typeof error };
  const cause = error.cause as
    | { code?: unknown; constraint?: unknown; table?: unknown; routine?: unknown }
    | undefined;
  const own = error as { code?: unknown };
  const pick = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    type: error.name,
    code: pick(cause?.code) ?? pick(own.code),
    constraint: pick(cause?.constraint),
    table: pick(cause?.table),
    routine: pick(cause?.routine),
    at: (error.stack ?? '')
      .split('\n')
      .filter((line) => line.trimStart().startsWith('at '))
      .slice(0, 8)
      .map((line) => line.trim()),
  };
}
