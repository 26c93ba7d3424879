/**
 * Everything sync adds to the server: workstation enrolment and scope, the shape endpoint (read
 * path) and the mutation endpoint (write path). Register with `buildApp({ plugins: [syncPlugin] })`.
 */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { parseWith } from '../http/errors.ts';
import { compactChangeLog } from './change-log.ts';
import { mutationRoutes } from './mutations/routes.ts';
import { ShapeError, ShapeService } from './shapes.ts';
import { workstationAdminRoutes } from './workstations/admin-routes.ts';
import { requireWorkstation } from './workstations/device-auth.ts';
import { enrolmentRoutes } from './workstations/enrolment.ts';

/** The query of `GET /v1/shape`. Electric's own protocol parameters we do not use are accepted and ignored. */
const ShapeQuery = z
  .object({
    table: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'must be a table name'),
    offset: z.string().max(64),
    handle: z.string().max(128).optional(),
    live: z.enum(['true', 'false']).optional(),
    cursor: z.string().max(32).optional(),
    log: z.string().optional(),
    expired_handle: z.string().optional(),
    'cache-buster': z.string().optional(),
    replica: z.enum(['default', 'full']).optional(),
  })
  .strict();

export const syncPlugin: FastifyPluginAsync = async (app) => {
  const { database } = app.hms;
  const shapes = new ShapeService(database);
  await shapes.start();
  // preClose: answer held long-polls now, so closing does not wait out their 20 s.
  app.addHook('preClose', async () => shapes.stop());

  // Hourly compaction keeps the log to its retention window; it is idempotent, so several server
  // instances running it is harmless. A PC offline for longer than the window re-snapshots (409).
  const retentionMs = app.hms.config.changeLogRetentionDays * 86_400_000;
  const compact = () =>
    compactChangeLog(database, new Date(app.hms.now().getTime() - retentionMs)).catch((err: unknown) =>
      app.log.error({ err }, 'change-log compaction failed'),
    );
  const compaction = setInterval(compact, 60 * 60 * 1000);
  compaction.unref();
  app.addHook('onClose', async () => clearInterval(compaction));

  await app.register(workstationAdminRoutes);
  await app.register(enrolmentRoutes);
  await app.register(mutationRoutes);

  app.get('/v1/shape', async (request, reply) => {
    const ws = await requireWorkstation(request);
    // `where`, `columns` and `params` would let a client choose rows: shapes are defined by the server.
    const query = parseWith(ShapeQuery, request.query);
    const aborted = new AbortController();
    request.raw.on('close', () => aborted.abort());
    try {
      const answer = await shapes.serve(
        ws,
        {
          table: query.table,
          offset: query.offset,
          handle: query.handle,
          live: query.live === 'true',
          cursor: query.cursor,
        },
        aborted.signal,
      );
      reply.code(answer.status).headers({ ...answer.headers, 'content-type': 'application/json' });
      return reply.send(answer.body);
    } catch (err) {
      if (err instanceof ShapeError) {
        return reply.code(err.statusCode).send({ error: err.code, message: err.message });
      }
      throw err;
    }
  });
};
