/**
 * Desktop updates served by the hospital's own sync server (no internet needed on the wards), in
 * rings. The releases directory holds one folder per release, as electron-builder writes it
 * (`latest.yml`, `latest-linux.yml`, `latest-mac.yml`, the installers and their blockmaps).
 *
 * - `GET /api/updates/:file`: for an enrolled workstation only, the file of the release its ring
 *   offers. Installers are answered in ranges (206, `Content-Range`; 416 for a range past the end),
 *   so electron-updater can download differentially; manifests are never cached. A halted ring, or
 *   one with no release yet, offers nothing (404 `no_release`). Only plain file names are served.
 * - `GET /api/update-rings`, `PUT /api/update-rings/:name` (admins): which release each ring
 *   offers; `PUT /api/workstations/:id/update-ring` puts a PC in a ring.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import { asc, eq } from 'drizzle-orm';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import * as s from '../../db/schema/pg.ts';
import { appendAudit } from '../auth/audit.ts';
import { currentUser, requireAdmin } from '../auth/guard.ts';
import { HttpError, parseBody } from '../http/errors.ts';
import { requireWorkstation } from '../sync/workstations/device-auth.ts';

/** A file or folder name as electron-builder writes them: no path, no leading dot. */
const PLAIN_NAME = /^[A-Za-z0-9][A-Za-z0-9._ -]{0,200}$/;
const isPlain = (name: string) => PLAIN_NAME.test(name) && !name.includes('..');

const RingBody = z.strictObject({
  /** The release folder to offer; null halts the ring. */
  release: z.string().refine(isPlain, 'a release folder name').nullable(),
});
const PcRingBody = z.strictObject({ ring: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,40}$/, 'a ring name') });

export const updateRoutes: FastifyPluginAsync = async (app) => {
  const { database, config } = app.hms;
  const db = database.db;
  // Serves files only through `sendFile` below, from the release a ring offers.
  await app.register(fastifyStatic, { root: config.releasesDir, serve: false });

  app.get<{ Params: { file: string } }>('/api/updates/:file', async (request, reply) => {
    const ws = await requireWorkstation(request);
    const { file } = request.params;
    if (!isPlain(file)) throw new HttpError(400, 'invalid_file', 'only a release file name is served');
    const [row] = await db
      .select({ ring: s.workstations.update_ring, release: s.update_rings.release })
      .from(s.workstations)
      .leftJoin(s.update_rings, eq(s.update_rings.name, s.workstations.update_ring))
      .where(eq(s.workstations.id, ws.id));
    const release = row?.release ?? null;
    if (!release) throw new HttpError(404, 'no_release', `ring "${row?.ring ?? '?'}" offers no release`);
    const folder = join(config.releasesDir, release);
    if (!statSync(join(folder, file), { throwIfNoEntry: false })?.isFile())
      throw new HttpError(404, 'not_found', 'no such file in this release');
    // A manifest says what to install now: never from a cache (a halted ring must take effect).
    const manifest = file.endsWith('.yml');
    reply.header('cache-control', manifest ? 'no-store' : 'private, max-age=86400');
    return reply.sendFile(file, folder, { cacheControl: false, acceptRanges: !manifest });
  });

  app.get('/api/update-rings', { onRequest: requireAdmin() }, async () => {
    const rings = await db.select().from(s.update_rings).orderBy(asc(s.update_rings.name));
    const counts = await database.query<{ ring: string; n: number }>(
      'SELECT update_ring AS ring, count(*)::int AS n FROM workstations WHERE revoked_at IS NULL GROUP BY update_ring',
    );
    return {
      rings: rings.map((r) => ({
        name: r.name,
        release: r.release,
        workstations: counts.find((c) => c.ring === r.name)?.n ?? 0,
      })),
    };
  });

  app.put<{ Params: { name: string } }>(
    '/api/update-rings/:name',
    { onRequest: requireAdmin() },
    async (request) => {
      const { name } = request.params;
      if (!/^[a-z0-9][a-z0-9_-]{0,40}$/.test(name)) throw new HttpError(400, 'validation', 'a ring name');
      const { release } = parseBody(RingBody, request);
      if (release && !existsSync(join(config.releasesDir, release, 'latest.yml')))
        throw new HttpError(
          400,
          'validation',
          `release "${release}" has no latest.yml in the releases directory`,
          {
            issues: [{ field: 'release', rule: 'exists', message: 'no such release' }],
          },
        );
      const admin = currentUser(request);
      await db.transaction(async (tx) => {
        await tx
          .insert(s.update_rings)
          .values({ name, release, updated_by: admin.id })
          .onConflictDoUpdate({ target: s.update_rings.name, set: { release, updated_by: admin.id } });
        await appendAudit(tx, {
          action: 'admin',
          object_type: 'update_rings',
          object_id: null,
          user_id: admin.id,
          description: release ? `update ring ${name} offers ${release}` : `update ring ${name} halted`,
          details: { ring: name, release },
          ip_address: request.ip,
        });
      });
      return { name, release };
    },
  );

  app.put<{ Params: { id: string } }>(
    '/api/workstations/:id/update-ring',
    { onRequest: requireAdmin() },
    async (request) => {
      const { ring } = parseBody(PcRingBody, request);
      const [row] = await db
        .update(s.workstations)
        .set({ update_ring: ring })
        .where(eq(s.workstations.id, request.params.id))
        .returning({ id: s.workstations.id });
      if (!row) throw new HttpError(404, 'not_found', 'no such workstation');
      return { id: row.id, ring };
    },
  );
};
