/**
 * Workstation enrolment and device authentication.
 *
 * An admin registers a PC (name, kind, ward) and gets a one-time enrolment code; the PC exchanges
 * the code for a long-lived device token. The device token decides the sync scope and authenticates
 * shape reads and outbox uploads, with no user logged in. A revoked workstation is refused at once:
 * every request looks the token up (one indexed query).
 *
 * Authoring grants: when a user logs in online on an enrolled PC, the PC asks for a grant bound to
 * (user, workstation). Mutations made later, even offline, carry the author's grant; the server
 * checks it at apply time together with the user's current role.
 */
import { createHash, randomBytes } from 'node:crypto';
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import * as s from '../../db/schema/pg.ts';
import { WORKSTATION_KINDS } from '../../db/schema/sync.ts';
import { EnrollRequestSchema, SYNC_SCHEMA_VERSION } from '../../db/sync-contract.ts';
import { appendAudit } from '../auth/audit.ts';
import { bearerToken, clientInfo, currentUser, requireAdmin, requireUser } from '../auth/guard.ts';
import { HttpError, parseBody, parseParams } from '../http/errors.ts';
import type { ServerDb } from '../platform/database.ts';
import { notifyAll } from './change-log.ts';
import { tablesFor, type WorkstationScope } from './scopes.ts';

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Enrolment codes avoid look-alike characters (0/O, 1/I/L): they are read aloud and typed by IT. */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export function enrollmentCode(): string {
  const bytes = randomBytes(8);
  const chars = Array.from(bytes, (b) => CODE_ALPHABET[b % CODE_ALPHABET.length]);
  return `${chars.slice(0, 4).join('')}-${chars.slice(4).join('')}`;
}
const normalizeCode = (code: string) => code.toUpperCase().replace(/[^A-Z0-9]/g, '');

export const ENROLLMENT_TTL_MS = 24 * 60 * 60 * 1000;

export interface AuthenticatedWorkstation extends WorkstationScope {
  name: string;
  code: string;
}

/**
 * Device tokens seen in the last few seconds. Every shape long-poll and upload authenticates, and
 * twenty PCs × forty shapes is a lot of identical lookups. Revoking, re-scoping or re-enrolling a
 * workstation clears the cache at once, so "a revoked token is refused at once" still holds.
 */
const TOKEN_CACHE_MS = 5_000;
const tokenCache = new Map<string, { ws: AuthenticatedWorkstation; at: number }>();
const forgetWorkstationTokens = () => tokenCache.clear();

/** The workstation behind a device token, or null (unknown, revoked, never enrolled). */
export async function workstationForToken(
  db: ServerDb,
  token: string,
): Promise<AuthenticatedWorkstation | null> {
  const hash = sha256(token);
  const cached = tokenCache.get(hash);
  if (cached && Date.now() - cached.at < TOKEN_CACHE_MS) return cached.ws;
  const ws = await lookupToken(db, hash);
  if (ws) tokenCache.set(hash, { ws, at: Date.now() });
  else tokenCache.delete(hash);
  return ws;
}

async function lookupToken(db: ServerDb, hash: string): Promise<AuthenticatedWorkstation | null> {
  const [row] = await db
    .select({
      id: s.workstations.id,
      name: s.workstations.name,
      code: s.workstations.code,
      kind: s.workstations.kind,
      ward_id: s.workstations.ward_id,
    })
    .from(s.workstations)
    .where(and(eq(s.workstations.token_hash, hash), isNull(s.workstations.revoked_at)));
  return row ?? null;
}

const revokedOrUnknown = () =>
  new HttpError(
    401,
    'workstation_unauthorized',
    'this workstation is not enrolled or was revoked',
    {},
    {
      'www-authenticate': 'Bearer',
    },
  );

/** For routes called by a workstation with its device token as the bearer token. */
export async function requireWorkstation(request: FastifyRequest): Promise<AuthenticatedWorkstation> {
  const token = bearerToken(request);
  if (!token) throw revokedOrUnknown();
  const ws = await workstationForToken(request.server.hms.database.db, token);
  if (!ws) throw revokedOrUnknown();
  return ws;
}

const CreateWorkstation = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    kind: z.enum(WORKSTATION_KINDS),
    ward_id: z.uuid().nullable().optional(),
    /** Short prefix for MRNs and bill numbers made on this PC; generated when absent. */
    code: z
      .string()
      .trim()
      .regex(/^[A-Z0-9]{2,8}$/, '2–8 capital letters or digits')
      .optional(),
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
  for (let i = 0; i < 20; i++) {
    const code = `${kind[0]?.toUpperCase()}${randomBytes(3).toString('hex').toUpperCase().slice(0, 3)}`;
    const [taken] = await db
      .select({ id: s.workstations.id })
      .from(s.workstations)
      .where(eq(s.workstations.code, code));
    if (!taken) return code;
  }
  throw new HttpError(500, 'internal', 'could not allocate a workstation code');
}

export const workstationRoutes: FastifyPluginAsync = async (app) => {
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

  app.post('/api/workstations', { preHandler: requireAdmin() }, async (request, reply) => {
    const body = parseBody(CreateWorkstation, request);
    const admin = currentUser(request);
    if (body.ward_id) {
      const [ward] = await db.select({ id: s.wards.id }).from(s.wards).where(eq(s.wards.id, body.ward_id));
      if (!ward)
        throw new HttpError(400, 'validation', 'unknown ward', {
          issues: [{ field: 'ward_id', rule: 'exists', message: 'no such ward' }],
        });
    }
    const code = body.code ?? (await uniqueCode(db, body.kind));
    const enrollment = enrollmentCode();
    const expires = new Date(now().getTime() + ENROLLMENT_TTL_MS);
    const row = await db.transaction(async (tx) => {
      const [created] = await tx
        .insert(s.workstations)
        .values({
          name: body.name,
          kind: body.kind,
          ward_id: body.ward_id ?? null,
          code,
          enrollment_code_hash: sha256(normalizeCode(enrollment)),
          enrollment_expires_at: expires.toISOString(),
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
    return reply.code(201).send({
      ...publicWorkstation(row),
      enrollment_code: enrollment,
      enrollment_expires_at: expires.toISOString(),
    });
  });

  app.get('/api/workstations', { preHandler: requireAdmin() }, async () => {
    const rows = await db.select().from(s.workstations).orderBy(asc(s.workstations.name));
    return { workstations: rows.map(publicWorkstation) };
  });

  app.patch('/api/workstations/:id', { preHandler: requireAdmin() }, async (request) => {
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

  app.post('/api/workstations/:id/revoke', { preHandler: requireAdmin() }, async (request) => {
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
  app.post('/api/workstations/:id/enrollment-code', { preHandler: requireAdmin() }, async (request) => {
    const { id } = parseParams(IdParams, request);
    const admin = currentUser(request);
    const enrollment = enrollmentCode();
    const expires = new Date(now().getTime() + ENROLLMENT_TTL_MS);
    await db.transaction(async (tx) => {
      const [updated] = await tx
        .update(s.workstations)
        .set({
          enrollment_code_hash: sha256(normalizeCode(enrollment)),
          enrollment_expires_at: expires.toISOString(),
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
    return { enrollment_code: enrollment, enrollment_expires_at: expires.toISOString() };
  });

  app.post('/api/workstations/enroll', async (request) => {
    const { code } = parseBody(EnrollRequestSchema, request);
    const token = randomBytes(32).toString('base64url');
    const at = now();
    const enrolled = await db.transaction(async (tx) => {
      const [ws] = await tx
        .select()
        .from(s.workstations)
        .where(eq(s.workstations.enrollment_code_hash, sha256(normalizeCode(code))))
        .for('update');
      if (!ws?.enrollment_expires_at || new Date(ws.enrollment_expires_at) < at) {
        throw new HttpError(
          400,
          'invalid_enrollment_code',
          'this enrolment code is unknown, used or expired',
        );
      }
      await tx
        .update(s.workstations)
        .set({
          token_hash: sha256(token),
          enrollment_code_hash: null,
          enrollment_expires_at: null,
          enrolled_at: at.toISOString(),
          revoked_at: null,
          last_seen_at: at.toISOString(),
        })
        .where(eq(s.workstations.id, ws.id));
      await appendAudit(tx, {
        action: 'admin',
        object_type: 'workstations',
        object_id: ws.id,
        workstation_id: ws.id,
        description: 'workstation enrolled',
        ip_address: clientInfo(request).ip,
      });
      return ws;
    });
    return { workstation_id: enrolled.id, token, code: enrolled.code, kind: enrolled.kind };
  });

  app.get('/api/sync/scope', async (request) => {
    const ws = await requireWorkstation(request);
    return {
      workstation_id: ws.id,
      kind: ws.kind,
      ward_id: ws.ward_id,
      code: ws.code,
      tables: tablesFor(ws.kind),
      schema_version: SYNC_SCHEMA_VERSION,
    };
  });

  app.post('/api/sync/grants', { preHandler: requireUser() }, async (request) => {
    const user = currentUser(request);
    const header = request.headers['x-workstation-token'];
    const ws = typeof header === 'string' ? await workstationForToken(db, header) : null;
    if (!ws) throw revokedOrUnknown();
    const grant = randomBytes(24).toString('base64url');
    // Earlier grants stay valid: an outbox may still be uploading mutations signed with one. They end
    // with the workstation (revocation) or the user (disabled accounts are refused at apply time).
    await db.transaction(async (tx) => {
      await tx.insert(s.authoring_grants).values({
        user_id: user.id,
        workstation_id: ws.id,
        grant_hash: sha256(grant),
        issued_at: now().toISOString(),
      });
    });
    return { user_id: user.id, grant };
  });
};
