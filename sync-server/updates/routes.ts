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
 *   offers; `PUT /api/workstations/:id/update-ring` puts a PC in a ring (audited too). A ring exists
 *   once a PC is in it or it was pointed at a release; until then (and when halted) it offers nothing.
 * - `GET /api/update-releases` (admins): the release folders a ring can be pointed at.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import { asc, eq } from 'drizzle-orm';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import * as s from '../../db/schema/pg.ts';
import { UPDATE_RING_NAME } from '../../db/schema/sync.ts';
import { appendAudit } from '../auth/audit.ts';
import { currentUser, requireAdmin } from '../auth/guard.ts';
import { HttpError, parseBody, parseParams } from '../http/errors.ts';
import { requireWorkstation } from '../sync/workstations/device-auth.ts';
import { listReleases } from './releases.ts';

/** A file or folder name as electron-builder writes them: no path, no leading dot. */
const PLAIN_NAME = /^[A-Za-z0-9][A-Za-z0-9._ -]{0,200}$/;
const isPlain = (name: string) => PLAIN_NAME.test(name) && !name.includes('..');

const IdParams = z.strictObject({ id: z.uuid() });
const RingBody = z.strictObject({
  /** The release folder to offer; null halts the ring. */
  release: z.string().refine(isPlain, 'a release folder name').nullable(),
});
const PcRingBody = z.strictObject({
  ring: z.string().regex(UPDATE_RING_NAME, 'a ring name: lower-case letters, digits, - and _'),
});

export const updateRoutes: FastifyPluginAsync = async (app) => {
  const { database, config } = app.hms;
  const db = database.db;
  // Empty until IT publishes a release; made here so a new server starts without a warning about it.
  try {
    mkdirSync(config.releasesDir, { recursive: true });
  } catch (err) {
    app.log.warn(
      { dir: config.releasesDir, code: (err as { code?: string }).code },
      'the releases directory cannot be created: no desktop updates will be offered',
    );
  }
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
    // Every ring a PC is in, not only those pointed at a release: PCs start in `general`, which has
    // no row until an admin points it, and an admin must see those PCs are offered nothing.
    // `halted`: pointed, then cleared (as opposed to never pointed). `last_release`: what it offered
    // most recently, from the audit trail (a halt clears the row's release), so pointing a halted ring
    // at an older release can be told, and said, to be the roll-back it is.
    const rings = await database.query<{
      name: string;
      release: string | null;
      halted: boolean;
      last_release: string | null;
      workstations: number;
    }>(
      `WITH last AS (
         SELECT DISTINCT ON (details->>'ring') details->>'ring' AS ring, details->>'release' AS release
         FROM audit_log WHERE object_type = 'update_rings' AND details->>'release' IS NOT NULL
         ORDER BY details->>'ring', seq DESC)
       SELECT n.name, r.release, (r.id IS NOT NULL AND r.release IS NULL) AS halted,
         COALESCE(r.release, last.release) AS last_release,
         (SELECT count(*)::int FROM workstations w WHERE w.update_ring = n.name AND w.revoked_at IS NULL)
           AS workstations
       FROM (SELECT name FROM update_rings UNION SELECT update_ring FROM workstations WHERE revoked_at IS NULL) n
       LEFT JOIN update_rings r ON r.name = n.name
       LEFT JOIN last ON last.ring = n.name
       ORDER BY n.name`,
    );
    // Which ring each PC is in, for the admin's list of workstations.
    const members = await db
      .select({ workstation_id: s.workstations.id, ring: s.workstations.update_ring })
      .from(s.workstations)
      .orderBy(asc(s.workstations.name));
    return { rings, members };
  });

  app.get('/api/update-releases', { onRequest: requireAdmin() }, async () => ({
    releases: listReleases(config.releasesDir, isPlain),
  }));

  app.put<{ Params: { name: string } }>(
    '/api/update-rings/:name',
    { onRequest: requireAdmin() },
    async (request) => {
      const { name } = request.params;
      if (!UPDATE_RING_NAME.test(name))
        throw new HttpError(400, 'validation', 'a ring name: lower-case letters, digits, - and _');
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
      const { id } = parseParams(IdParams, request);
      const admin = currentUser(request);
      // Audited like every admin action: which PCs took a release is part of an incident's story.
      return db.transaction(async (tx) => {
        const [row] = await tx
          .update(s.workstations)
          .set({ update_ring: ring })
          .where(eq(s.workstations.id, id))
          .returning({ id: s.workstations.id, name: s.workstations.name });
        if (!row) throw new HttpError(404, 'not_found', 'no such workstation');
        await appendAudit(tx, {
          action: 'admin',
          object_type: 'workstations',
          object_id: row.id,
          user_id: admin.id,
          description: `workstation ${row.name} moved to update ring ${ring}`,
          details: { ring },
          ip_address: request.ip,
        });
        return { id: row.id, ring };
      });
    },
  );
};
