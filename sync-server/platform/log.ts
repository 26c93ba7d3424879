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
