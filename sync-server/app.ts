/**
 * The sync server's HTTP application. `buildApp` returns a fastify instance that is not listening
 * and not yet `ready`, so more route plugins can be registered on it:
 *
 * ```ts
 * const app = await buildApp({ database, config });
 * await app.register(shapeRoutes);          // uses app.hms, requireUser(), parseBody(), …
 * await app.listen({ port: config.port, host: config.host });
 * ```
 *
 * Every plugin sees `app.hms` (database, config, clock, keys, auth service) and may guard its routes
 * with `requireUser(roles?)` from `./auth/guard.ts`; request bodies are parsed with `parseBody` from
 * `./http/errors.ts` (zod; a failure answers 400 naming the field and rule).
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyPluginAsync, LogController } from 'fastify';
import { adminRoutes } from './admin/routes.ts';
import { clientInfo, currentUser, requireAdmin, requireUser } from './auth/guard.ts';
import { authRoutes } from './auth/routes.ts';
import { loadServerKeys, type ServerKeys } from './auth/secrets.ts';
import { AuthService, type AuthUser } from './auth/service.ts';
import type { Config } from './config.ts';
import { installErrorHandling } from './http/errors.ts';
import type { Database } from './platform/database.ts';

export { bootstrap } from './admin/bootstrap.ts';
export { appendAudit, verifyAuditChain } from './auth/audit.ts';
export { HttpError, parseBody, parseParams, parseQuery } from './http/errors.ts';
export type { AuthUser };
export { clientInfo, currentUser, requireAdmin, requireUser };

/** What every route plugin can reach through `app.hms`. */
export interface HmsContext {
  database: Database;
  config: Config;
  now: () => Date;
  keys: ServerKeys;
  auth: AuthService;
}

declare module 'fastify' {
  interface FastifyInstance {
    hms: HmsContext;
  }
  interface FastifyRequest {
    /** Set by `requireUser()`; null on routes without it. */
    auth: AuthUser | null;
  }
}

export interface BuildAppOptions {
  database: Database;
  config: Config;
  /** The clock (tests move it); defaults to the wall clock. */
  now?: () => Date;
  /** Extra route plugins, registered after the built-in ones. */
  plugins?: FastifyPluginAsync[];
}

export const BODY_LIMIT = 1024 * 1024;

export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const { database, config } = options;
  const now = options.now ?? (() => new Date());
  const keys = await loadServerKeys(database.db, config);
  const auth = new AuthService(database.db, keys, config, now);

  const app = Fastify({
    logger:
      config.logLevel === 'silent'
        ? false
        : {
            level: config.logLevel,
            // Bodies are never logged by fastify; headers that carry secrets are masked.
            redact: {
              paths: [
                'req.headers.authorization',
                'req.headers.cookie',
                'req.body',
                'res.headers["set-cookie"]',
              ],
              censor: '[redacted]',
            },
          },
    bodyLimit: BODY_LIMIT,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    trustProxy: false,
    return503OnClosing: true,
    // Held long-polls and uploads are resumable and idempotent: shutting down closes their sockets
    // rather than waiting for them (a poll whose client vanished could otherwise hold it for a minute).
    forceCloseConnections: true,
    // fastify's request log carries the full URL, and query strings can hold patient names: log
    // the route pattern instead (below).
    logController: new LogController({ disableRequestLogging: true }),
  });

  app.decorate('hms', { database, config, now, keys, auth });
  app.decorateRequest('auth', null);
  installErrorHandling(app);
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('cache-control', 'no-store');
    reply.header('x-content-type-options', 'nosniff');
    return payload;
  });

  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        route: request.routeOptions.url ?? '(unmatched)',
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
  });

  app.get('/api/health', async (_request, reply) => {
    try {
      await database.query('select 1');
      return { status: 'ok', database: { kind: database.kind, ok: true } };
    } catch {
      return reply.code(503).send({ status: 'error', database: { kind: database.kind, ok: false } });
    }
  });

  await app.register(authRoutes);
  await app.register(adminRoutes);
  for (const plugin of options.plugins ?? []) await app.register(plugin);
  return app;
}
