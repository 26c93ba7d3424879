/** `GET /v1/shape`: the shape endpoint a workstation's `ShapeStream` polls, over `ShapeService`. */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { parseWith } from '../../http/errors.ts';
import { requireWorkstation } from '../workstations/device-auth.ts';
import { ShapeService } from './service.ts';

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

export const shapeRoutes: FastifyPluginAsync = async (app) => {
  const shapes = new ShapeService(app.hms.database);
  await shapes.start();
  // preClose: answer held long-polls now, so closing does not wait out their 20 s.
  app.addHook('preClose', async () => shapes.stop());

  app.get('/v1/shape', async (request, reply) => {
    const ws = await requireWorkstation(request);
    // `where`, `columns` and `params` would let a client choose rows: shapes are defined by the server.
    const query = parseWith(ShapeQuery, request.query);
    const aborted = new AbortController();
    request.raw.on('close', () => aborted.abort());
    // A refused request (unknown shape, bad offset, client gone) throws `HttpError` to the error handler.
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
  });
};
