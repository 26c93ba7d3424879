/**
 * The admin's side of workstations: register a PC (name, kind, ward) and get its one-time enrolment
 * code, list, re-scope, revoke, and issue a fresh code. The PC's side is `device-routes.ts`.
 */
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { WORKSTATION_CODE } from '../../../db/numbers.ts';
import * as s from '../../../db/schema/pg.ts';
import { WORKSTATION_KINDS } from '../../../db/schema/sync.ts';
import { appendAudit } from '../../auth/audit.ts';
import { clientInfo, currentUser, requireAdmin } from '../../auth/guard.ts';
import { HttpError, parseBody, parseParams } from '../../http/errors.ts';
import type { ServerDb } from '../../platform/database.ts';
import { notifyAll } from '../change-log.ts';
import { forgetWorkstationTokens } from './device-auth.ts';
import { newEnrolment, workstationCodeCandidate } from './enrolment-codes.ts';

const CreateWorkstation = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    kind: z.enum(WORKSTATION_KINDS),
    ward_id: z.uuid().nullable().optional(),
    /** Short prefix for MRNs and bill numbers made on this PC; generated when absent. */
    code: z.string().trim().regex(WORKSTATION_CODE, '2–8 capital letters or digits').optional(),
  })
  .refine((b) => b.kind !== 'ward' || !!b.ward_id, {
    message: 'a ward workstation needs a ward',
    path: ['ward_id'],
  });

const UpdateWorkstation = z
  .strictObject({
    name: z.string().trim().min(1).max(100).optional(),
    kind: z.enum(WORKSTATION_KINDS).optional(),
    ward_id: z.uuid().nullable().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'nothing to change', path: ['(body)'] });

const IdParams = z.strictObject({ id: z.uuid() });

const publicWorkstation = (w: typeof s.workstations.$inferSelect) => ({
  id: w.id,
  name: w.name,
  code: w.code,
  kind: w.kind,
  ward_id: w.ward_id,
  enrolled: w.enrolled_at !== null,
  enrolled_at: w.enrolled_at,
  revoked_at: w.revoked_at,
  last_seen_at: w.last_seen_at,
  app_version: w.app_version,
  schema_version: w.schema_version,
  created_at: w.created_at,
});

async function uniqueCode(db: ServerDb, kind: string): Promise<string> {
  for (let draw = 0; draw < 40; draw++) {
    const code = workstationCodeCandidate(kind, draw);
    const [taken] = await db
      .select({ id: s.workstations.id })
      .from(s.workstations)
      .where(eq(s.workstations.code, code));
    if (!taken) return code;
  }
  throw new HttpError(500, 'internal', 'could not allocate a workstation code');
}

export const workstationAdminRoutes: FastifyPluginAsync = async (app) => {
  const { database, now } = app.hms;
  const db = database.db;
  // Any change to a workstation (re-scope, revoke, new code) drops cached tokens once it committed.
  // (onSend: before the admin hears back, so no request after the answer can use a stale token.)
  // Held long-polls are woken too: a re-scoped PC re-syncs at once (its next request gets a 409),
  // and a revoked PC's next request is refused now, not when its 20 s poll would have ended.
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.method !== 'GET' && request.routeOptions.url?.startsWith('/api/workstations/:id')) {
      forgetWorkstationTokens();
      if (reply.statusCode < 300) await notifyAll(database);
    }
    return payload;
  });

  app.post('/api/workstations', { onRequest: requireAdmin() }, async (request, reply) => {
    const body = parseBody(CreateWorkstation, request);
    const admin = currentUser(request);
    if (body.ward_id) {
      const [ward] = await db.select({ id: s.wards.id }).from(s.wards).where(eq(s.wards.id, body.ward_id));
      if (!ward)
        throw new HttpError(400, 'validation', 'unknown ward', {
          issues: [{ field: 'ward_id', rule: 'exists', message: 'no such ward' }],
        });
    }
    const enrolment = newEnrolment(now());
    const register = (code: string) =>
      db.transaction(async (tx) => {
        const [created] = await tx
          .insert(s.workstations)
          .values({
            name: body.name,
            kind: body.kind,
            ward_id: body.ward_id ?? null,
            code,
            enrollment_code_hash: enrolment.codeHash,
            enrollment_expires_at: enrolment.expiresAt,
            created_by: admin.id,
          })
          .returning()
          .catch((err: unknown) => {
            if (String((err as { cause?: unknown }).cause ?? err).includes('workstations_code_key')) {
              throw new HttpError(409, 'code_taken', `workstation code ${code} is already in use`);
            }
            throw err;
          });
        if (!created) throw new Error('insert returned nothing');
        await appendAudit(tx, {
          action: 'admin',
          object_type: 'workstations',
          object_id: created.id,
          user_id: admin.id,
          description: 'workstation registered',
          details: { kind: body.kind, ward_id: body.ward_id ?? null, code },
          ip_address: clientInfo(request).ip,
        });
        return created;
      });
    // A generated code another registration took a moment ago (two admins at once, or a script
    // registering hundreds) is drawn again; a code the admin chose is theirs to change.
    let row: Awaited<ReturnType<typeof register>> | undefined;
    for (let attempt = 1; !row; attempt++) {
      try {
        row = await register(body.code ?? (await uniqueCode(db, body.kind)));
      } catch (e) {
        if (body.code || attempt >= 5 || !(e instanceof HttpError && e.code === 'code_taken')) throw e;
      }
    }
    return reply.code(201).send({
      ...publicWorkstation(row),
      enrollment_code: enrolment.code,
      enrollment_expires_at: enrolment.expiresAt,
    });
  });

  app.get('/api/workstations', { onRequest: requireAdmin() }, async () => {
    const rows = await db.select().from(s.workstations).orderBy(asc(s.workstations.name));
    return { workstations: rows.map(publicWorkstation) };
  });

  app.patch('/api/workstations/:id', { onRequest: requireAdmin() }, async (request) => {
    const { id } = parseParams(IdParams, request);
    const body = parseBody(UpdateWorkstation, request);
    const admin = currentUser(request);
    return db.transaction(async (tx) => {
      const [current] = await tx.select().from(s.workstations).where(eq(s.workstations.id, id)).for('update');
      if (!current) throw new HttpError(404, 'not_found', 'no such workstation');
      const kind = body.kind ?? current.kind;
      const ward_id = body.ward_id === undefined ? current.ward_id : body.ward_id;
      if (kind === 'ward' && !ward_id) {
        throw new HttpError(400, 'validation', 'a ward workstation needs a ward', {
          issues: [{ field: 'ward_id', rule: 'required', message: 'a ward workstation needs a ward' }],
        });
      }
      const [updated] = await tx
        .update(s.workstations)
        .set({ name: body.name ?? current.name, kind, ward_id })
        .where(eq(s.workstations.id, id))
        .returning();
      await appendAudit(tx, {
        action: 'admin',
        object_type: 'workstations',
        object_id: id,
        user_id: admin.id,
        description: 'workstation changed',
        details: {
          before: { name: current.name, kind: current.kind, ward_id: current.ward_id },
          after: body,
        },
        ip_address: clientInfo(request).ip,
      });
      if (!updated) throw new Error('update returned nothing');
      return publicWorkstation(updated);
    });
  });

  app.post('/api/workstations/:id/revoke', { onRequest: requireAdmin() }, async (request) => {
    const { id } = parseParams(IdParams, request);
    const admin = currentUser(request);
    return db.transaction(async (tx) => {
      const at = now().toISOString();
      const [updated] = await tx
        .update(s.workstations)
        .set({ revoked_at: at, token_hash: null, enrollment_code_hash: null })
        .where(eq(s.workstations.id, id))
        .returning();
      if (!updated) throw new HttpError(404, 'not_found', 'no such workstation');
      await tx
        .update(s.authoring_grants)
        .set({ revoked_at: at })
        .where(and(eq(s.authoring_grants.workstation_id, id), isNull(s.authoring_grants.revoked_at)));
      await appendAudit(tx, {
        action: 'admin',
        object_type: 'workstations',
        object_id: id,
        user_id: admin.id,
        description: 'workstation revoked',
        ip_address: clientInfo(request).ip,
      });
      return publicWorkstation(updated);
    });
  });

  /** A fresh one-time code, e.g. to re-install a PC; the old device token stops working. */
  app.post('/api/workstations/:id/enrollment-code', { onRequest: requireAdmin() }, async (request) => {
    const { id } = parseParams(IdParams, request);
    const admin = currentUser(request);
    const enrolment = newEnrolment(now());
    await db.transaction(async (tx) => {
      const [updated] = await tx
        .update(s.workstations)
        .set({
          enrollment_code_hash: enrolment.codeHash,
          enrollment_expires_at: enrolment.expiresAt,
          token_hash: null,
          revoked_at: null,
        })
        .where(eq(s.workstations.id, id))
        .returning({ id: s.workstations.id });
      if (!updated) throw new HttpError(404, 'not_found', 'no such workstation');
      await appendAudit(tx, {
        action: 'admin',
        object_type: 'workstations',
        object_id: id,
        user_id: admin.id,
        description: 'workstation enrolment code issued',
        ip_address: clientInfo(request).ip,
      });
    });
    return { enrollment_code: enrolment.code, enrollment_expires_at: enrolment.expiresAt };
  });
};
