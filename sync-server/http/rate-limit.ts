/**
 * Per-client rate limits on the doors a guesser knocks on (sign-in, 2FA, enrolment): each client
 * address gets `authRatePerMinute` requests a minute per route, then 429 with `Retry-After`. The
 * account lockout still counts failures per account; this slows one machine trying many accounts
 * or many codes, without locking anyone out.
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';
import { HttpError } from './errors.ts';

export async function installRateLimits(app: FastifyInstance): Promise<void> {
  await app.register(rateLimit, {
    global: false,
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
