/**
 * The sync server, composed once: `buildApp` returns a fastify instance with every part of the
 * server registered (auth, admin, workstations, the shape and mutation endpoints) and its jobs
 * scheduled from `ready` to `close`. It is not listening; the CLI, the test server and the
 * benchmark each call it and then `listen`.
 *
 * Every route plugin sees `app.hms` (database, config, clock, keys, auth service) and may guard its
 * routes with `requireUser(roles?)` from `./auth/guard.ts`; request bodies are parsed with
 * `parseBody` from `./http/errors.ts` (zod; a failure answers 400 naming the field and rule).
 */

import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server, type ServerOptions } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyPluginAsync,
  LogController,
} from 'fastify';
import { auditRoutes } from './admin/audit-routes.ts';
import { adminRoutes } from './admin/routes.ts';
import { requireAdmin } from './auth/guard.ts';
import { authRoutes } from './auth/routes.ts';
import { loadServerKeys, type ServerKeys } from './auth/secrets.ts';
import { AuthService, type AuthUser } from './auth/service.ts';
import { type Config, ConfigError } from './config.ts';
import { installErrorHandling } from './http/errors.ts';
import { installRateLimits } from './http/rate-limit.ts';
import { auditCheckJob } from './jobs/audit-check.ts';
import { backupJob } from './jobs/backup.ts';
import { compactionJob } from './jobs/compaction.ts';
import { plainSqlAuditJob } from './jobs/plain-sql-audit.ts';
import { Scheduler } from './jobs/scheduler.ts';
import { watchJob } from './notify/watch.ts';
import type { Database } from './platform/database.ts';
import { createLogger } from './platform/log.ts';
import { channelsFrom } from './reminders/channels.ts';
import { reminderPlannerJob } from './reminders/planner.ts';
import { reminderRoutes } from './reminders/routes.ts';
import { ReminderSender } from './reminders/sender.ts';
import { mutationRoutes } from './sync/mutations/routes.ts';
import { shapeRoutes } from './sync/shapes/routes.ts';
import { workstationAdminRoutes } from './sync/workstations/admin-routes.ts';
import { deviceRoutes } from './sync/workstations/device-routes.ts';
import { updateRoutes } from './updates/routes.ts';

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
  /** Extra route plugins, registered after the server's own: for tests that need a route of their own. */
  plugins?: FastifyPluginAsync[];
}

export const BODY_LIMIT = 1024 * 1024;

/**
 * The HTTP(S) server under fastify: HTTPS with the configured certificate, and a request that takes
 * longer than `requestTimeoutMs` to arrive cut off (checked every second, not node's 30 s).
 */
function serverFor(config: Config): (handler: Parameters<typeof createServer>[1]) => Server {
  const options: ServerOptions = {
    requestTimeout: config.requestTimeoutMs,
    headersTimeout: Math.min(config.requestTimeoutMs, 20_000),
    connectionsCheckingInterval: 1_000,
  };
  if (!config.tls) return (handler) => createServer(options, handler);
  const read = (file: string, name: string) => {
    try {
      return readFileSync(file);
    } catch (e) {
      throw new ConfigError([
        `${name}: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
      ]);
    }
  };
  const tls = {
    cert: read(config.tls.certFile, 'HMS_TLS_CERT_FILE'),
    key: read(config.tls.keyFile, 'HMS_TLS_KEY_FILE'),
  };
  // An https.Server is an http.Server to every caller fastify has (it listens and serves the same
  // way); node's types just do not say so.
  return (handler) =>
    createTlsServer({ ...options, ...tls, minVersion: 'TLSv1.2' }, handler) as unknown as Server;
}

export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const { database, config } = options;
  const now = options.now ?? (() => new Date());
  const keys = await loadServerKeys(database.db, config);
  const auth = new AuthService(database.db, keys, config, now);
  const log = createLogger(config.logLevel);
  // Typed as fastify's base logger, so the app keeps the instance type every route plugin is typed against.
  const httpLog: FastifyBaseLogger = log;

  const app = Fastify({
    serverFactory: serverFor(config),
    loggerInstance: httpLog,
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

  await installRateLimits(app, database);
  await app.register(authRoutes);
  await app.register(adminRoutes);
  await app.register(auditRoutes);
  // Sync: workstations (the admin's side, then the PC's), the read path, the write path.
  await app.register(workstationAdminRoutes);
  await app.register(deviceRoutes);
  await app.register(shapeRoutes);
  await app.register(mutationRoutes);
  await app.register(reminderRoutes);
  await app.register(updateRoutes);

  const jobs = new Scheduler(database, log.child({ module: 'jobs' }));
  jobs.add(compactionJob({ retentionDays: config.changeLogRetentionDays, now }));
  jobs.add(auditCheckJob());
  jobs.add(plainSqlAuditJob());
  jobs.add(reminderPlannerJob({ now }));
  jobs.add(watchJob({ now }));
  jobs.add(backupJob(database, { ...config.backup, databaseUrl: config.databaseUrl }, now));
  // What the jobs did lately in this instance (several instances: ask each; the lock runs a job in one).
  app.get('/api/jobs', { onRequest: requireAdmin() }, async () => ({ jobs: jobs.history() }));
  const reminders = new ReminderSender({
    database,
    channels: channelsFrom(config.messaging),
    now,
    intervalMs: config.reminderIntervalSeconds * 1000,
    log: log.child({ module: 'reminders' }),
  });
  app.addHook('onReady', async () => {
    jobs.start();
    reminders.start();
  });
  // onClose: after the last request, before the caller closes the database (a run in progress ends first).
  app.addHook('onClose', async () => {
    await reminders.stop();
    await jobs.stop();
  });

  for (const plugin of options.plugins ?? []) await app.register(plugin);
  return app;
}
