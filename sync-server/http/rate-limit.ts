/**
 * Per-client rate limits on the doors a guesser knocks on (sign-in, 2FA, enrolment): each client
 * address gets `authRatePerMinute` requests a minute per route, then 429 with `Retry-After`. The
 * account lockout still counts failures per account; this slows one machine trying many accounts
 * or many codes, without locking anyone out.
 *
 * The counts live in Postgres (`rate_limit_hits`), not in the process: behind a load balancer every
 * server instance counts the same requests, so an address gets the limit once, not once per
 * instance. One upsert per request, on routes that are few and rarely called.
 */
import rateLimit, { type FastifyRateLimitStore } from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';
import type { Database } from '../platform/database.ts';
import { HttpError } from './errors.ts';

/** Expired windows are swept now and then, by whichever request happens to come. */
const SWEEP_EVERY = 500;

/** A rate-limit store counting in Postgres, one key per route and client address. */
export function postgresRateStore(database: Pick<Database, 'query'>) {
  let calls = 0;
  class PostgresRateStore implements FastifyRateLimitStore {
    /** The plugin passes its options first (unused here); a route's child passes its key prefix. */
    constructor(
      _options: unknown = null,
      private readonly prefix = '',
    ) {}

    incr(
      key: string,
      callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
      timeWindow: number,
    ): void {
      // The window starts at a key's first request and runs its length; the next request after it
      // starts a new one (as the plugin's own in-memory store counts).
      database
        .query<{ hits: number; ttl: number }>(
          `INSERT INTO rate_limit_hits (key, hits, reset_at)
           VALUES ($1, 1, now() + make_interval(secs => $2::float8 / 1000))
           ON CONFLICT (key) DO UPDATE SET
             hits = CASE WHEN rate_limit_hits.reset_at <= now() THEN 1 ELSE rate_limit_hits.hits + 1 END,
             reset_at = CASE WHEN rate_limit_hits.reset_at <= now() THEN excluded.reset_at
                             ELSE rate_limit_hits.reset_at END
           RETURNING hits, greatest(0, ceil(extract(epoch FROM reset_at - now()) * 1000))::int AS ttl`,
          [`${this.prefix}${key}`, timeWindow],
        )
        .then(async ([row]) => {
          if (++calls % SWEEP_EVERY === 0)
            await database.query(`DELETE FROM rate_limit_hits WHERE reset_at < now() - interval '1 hour'`);
          callback(null, { current: row?.hits ?? 1, ttl: row?.ttl ?? timeWindow });
        })
        .catch((e: unknown) => callback(e instanceof Error ? e : new Error(String(e))));
    }

    child(routeOptions: { method?: unknown; url?: unknown }): FastifyRateLimitStore {
      return new PostgresRateStore(null, `${String(routeOptions.method)} ${String(routeOptions.url)} `);
    }
  }
  return PostgresRateStore;
}

export async function installRateLimits(
  app: FastifyInstance,
  database: Pick<Database, 'query'>,
): Promise<void> {
  await app.register(rateLimit, {
    global: false,
    store: postgresRateStore(database),
    errorResponseBuilder: (_request, context) => {
      const seconds = Math.max(1, Math.ceil(context.ttl / 1000));
      return new HttpError(
        429,
        'rate_limited',
        'too many attempts from this computer; wait a moment and try again',
        { retry_after: seconds },
        { 'retry-after': String(seconds) },
      );
    },
  });
}

/** The route option that puts a route under the per-client limit. */
export const authRateLimit = (config: Pick<Config, 'authRatePerMinute'>) => ({
  rateLimit: { max: config.authRatePerMinute, timeWindow: 60_000 },
});

/** The largest body an unauthenticated caller may send: a log-in or a token, with room to spare. */
export const SMALL_BODY = 16 * 1024;
