/**
 * Admin API: users, roles, role-change requests (seed 002: create for oneself, list own / all for
 * admins, approve, reject, direct assignment). Every change writes an `audit_log` row in the same
 * transaction as the change.
 */
import { and, asc, count, desc, eq, ilike, isNull, ne, or, type SQL, sql } from 'drizzle-orm';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { newPasswordSchema } from '../../db/primitives/password-rules.ts';
import { ROLE_NAMES, type RoleName } from '../../db/schema/accounts.ts';
import * as s from '../../db/schema/pg.ts';
import { appendAudit } from '../auth/audit.ts';
import { clientInfo, currentUser, requireAdmin, requireUser } from '../auth/guard.ts';
import { profileOf, selectProfiles } from '../auth/service.ts';
import { HttpError, parseBody, parseParams, parseQuery } from '../http/errors.ts';
import { isoTime } from '../http/time.ts';
import type { ServerDb } from '../platform/database.ts';

const IdParams = z.strictObject({ id: z.uuid() });
const name = z.string().trim().min(1).max(100);
/** E-mail addresses are kept lower-case: log-in matches them case-insensitively. */
const email = z
  .email()
  .max(200)
  .transform((v) => v.toLowerCase());
const newPassword = newPasswordSchema;
const roleRef = {
  role_id: z.uuid().optional(),
  role: z.enum(ROLE_NAMES).optional(),
};
const oneRole = <T extends { role_id?: string | undefined; role?: string | undefined }>(b: T) =>
  b.role_id !== undefined || b.role !== undefined;

const CreateUser = z
  .strictObject({
    username: z
      .string()
      .trim()
      .min(3)
      .max(64)
      .regex(/^[a-zA-Z0-9._-]+$/, 'letters, digits, dot, dash and underscore only'),
    email: email.nullable().optional(),
    first_name: name,
    last_name: name,
    phone: z.string().trim().max(40).nullable().optional(),
    language_preference: z.string().trim().min(2).max(10).optional(),
    is_active: z.boolean().optional(),
    password: newPassword,
    ...roleRef,
  })
  .refine(oneRole, { message: 'give role_id or role', path: ['role_id'] });

const PatchUser = z.strictObject({
  email: email.nullable().optional(),
  first_name: name.optional(),
  last_name: name.optional(),
  phone: z.string().trim().max(40).nullable().optional(),
  language_preference: z.string().trim().min(2).max(10).optional(),
  is_active: z.boolean().optional(),
  password: newPassword.optional(),
  ...roleRef,
});

const ListUsers = z.strictObject({
  q: z.string().trim().max(100).optional(),
  role: z.enum(ROLE_NAMES).optional(),
  active: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

const CreateRequest = z
  .strictObject({ ...roleRef, reason: z.string().trim().min(1).max(2000) })
  .refine(oneRole, { message: 'give role_id or role', path: ['role_id'] });
const ListRequests = z.strictObject({ status: z.enum(['pending', 'approved', 'rejected']).optional() });
const Review = z.strictObject({ review_notes: z.string().trim().max(2000).optional() }).optional();
const Reject = z.strictObject({ review_notes: z.string().trim().min(1).max(2000) });
const Assign = z
  .strictObject({ user_id: z.uuid(), ...roleRef, review_notes: z.string().trim().max(2000).optional() })
  .refine(oneRole, { message: 'give role_id or role', path: ['role_id'] });

type RequestRow = typeof s.role_change_requests.$inferSelect;
const publicRequest = (r: RequestRow, requestedRole: RoleName) => ({
  id: r.id,
  user_id: r.user_id,
  requested_role_id: r.requested_role_id,
  requested_role: requestedRole,
  reason: r.reason,
  status: r.status,
  reviewed_by: r.reviewed_by,
  reviewed_at: isoTime(r.reviewed_at),
  review_notes: r.review_notes,
  created_at: isoTime(r.created_at),
});

async function resolveRole(db: ServerDb, ref: { role_id?: string | undefined; role?: RoleName | undefined }) {
  const where = ref.role_id ? eq(s.roles.id, ref.role_id) : eq(s.roles.name, ref.role ?? 'admin');
  const [role] = await db
    .select()
    .from(s.roles)
    .where(and(where, isNull(s.roles.deleted_at)));
  if (!role)
    throw new HttpError(422, 'unknown_role', 'no such role', { field: ref.role_id ? 'role_id' : 'role' });
  if (ref.role_id && ref.role && role.name !== ref.role) {
    throw new HttpError(422, 'role_mismatch', 'role_id and role name disagree', { field: 'role' });
  }
  return role;
}

async function loadUser(db: ServerDb, id: string) {
  const [row] = await selectProfiles(db).where(and(eq(s.users.id, id), isNull(s.users.deleted_at)));
  if (!row) throw new HttpError(404, 'not_found', 'no such user');
  return row;
}

/** Refuses a change that would leave no active admin (nobody could administer the system). */
async function keepAnAdmin(db: ServerDb, userId: string) {
  const [row] = await db
    .select({ n: count() })
    .from(s.users)
    .innerJoin(s.roles, eq(s.roles.id, s.users.role_id))
    .where(
      and(
        eq(s.roles.name, 'admin'),
        eq(s.users.is_active, true),
        isNull(s.users.deleted_at),
        ne(s.users.id, userId),
      ),
    );
  if ((row?.n ?? 0) === 0) throw new HttpError(409, 'last_admin', 'this is the last active admin');
}

/** Changes a user's role inside `tx`, with its audit row. */
async function changeRole(
  tx: ServerDb,
  request: FastifyRequest,
  target: { id: string; role: RoleName },
  role: { id: string; name: RoleName },
  why: string,
  now: Date,
) {
  const admin = currentUser(request);
  if (target.role === 'admin' && role.name !== 'admin') await keepAnAdmin(tx, target.id);
  await tx
    .update(s.users)
    .set({
      role_id: role.id,
      updated_at: now.toISOString(),
      updated_by: admin.id,
    })
    .where(eq(s.users.id, target.id));
  await appendAudit(tx, {
    action: 'admin',
    object_type: 'users',
    object_id: target.id,
    user_id: admin.id,
    description: why,
    details: { field: 'role', from: target.role, to: role.name },
    ip_address: clientInfo(request).ip,
    at: now,
  });
}

export const adminRoutes: FastifyPluginAsync = async (app) => {
  const { database, auth, now } = app.hms;
  const db = database.db;

  // ---- roles -------------------------------------------------------------------------------------
  // Readable by any logged-in user (seed 002: "Admin/ReadOnly"): a role-change request names a role.
  app.get('/api/roles', { onRequest: requireUser() }, async () => {
    const rows = await db.select().from(s.roles).where(isNull(s.roles.deleted_at)).orderBy(asc(s.roles.name));
    return { roles: rows.map((r) => ({ id: r.id, name: r.name, description: r.description })) };
  });

  // ---- users -------------------------------------------------------------------------------------
  app.get('/api/users', { onRequest: requireAdmin() }, async (request) => {
    const q = parseQuery(ListUsers, request);
    const where: SQL[] = [isNull(s.users.deleted_at)];
    if (q.q) {
      const like = `%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      const match = or(
        ilike(s.users.username, like),
        ilike(s.users.first_name, like),
        ilike(s.users.last_name, like),
        ilike(s.users.email, like),
      );
      if (match) where.push(match);
    }
    if (q.role) where.push(eq(s.roles.name, q.role));
    if (q.active) where.push(eq(s.users.is_active, q.active === 'true'));
    const rows = await selectProfiles(db)
      .where(and(...where))
      .orderBy(asc(s.users.username))
      .limit(q.limit)
      .offset(q.offset);
    return {
      users: rows.map((r) => profileOf(r)),
    };
  });

  app.get('/api/users/:id', { onRequest: requireAdmin() }, async (request) => {
    const { id } = parseParams(IdParams, request);
    const row = await loadUser(db, id);
    return {
      user: profileOf(row),
    };
  });

  app.post('/api/users', { onRequest: requireAdmin() }, async (request, reply) => {
    const body = parseBody(CreateUser, request);
    const admin = currentUser(request);
    const at = now();
    const id = await db.transaction(async (tx) => {
      const role = await resolveRole(tx, body);
      const clash = await tx
        .select({ id: s.users.id })
        .from(s.users)
        .where(
          or(
            sql`lower(${s.users.username}) = ${body.username.toLowerCase()}`,
            ...(body.email ? [sql`lower(${s.users.email}) = ${body.email}`] : []),
          ),
        );
      if (clash.length > 0) throw new HttpError(409, 'duplicate', 'user name or e-mail already in use');
      const [user] = await tx
        .insert(s.users)
        .values({
          username: body.username,
          email: body.email ?? null,
          first_name: body.first_name,
          last_name: body.last_name,
          phone: body.phone ?? null,
          language_preference: body.language_preference ?? 'en',
          is_active: body.is_active ?? true,
          role_id: role.id,
          created_by: admin.id,
          updated_by: admin.id,
        })
        .returning({ id: s.users.id });
      if (!user) throw new Error('insert returned nothing');
      await auth.setPassword(tx, user.id, body.password);
      await appendAudit(tx, {
        action: 'create',
        object_type: 'users',
        object_id: user.id,
        user_id: admin.id,
        description: `created user ${body.username}`,
        details: { username: body.username, role: role.name, is_active: body.is_active ?? true },
        ip_address: clientInfo(request).ip,
        at,
      });
      return user.id;
    });
    const row = await loadUser(db, id);
    return reply.code(201).send({
      user: profileOf(row),
    });
  });

  app.patch('/api/users/:id', { onRequest: requireAdmin() }, async (request) => {
    const { id } = parseParams(IdParams, request);
    const body = parseBody(PatchUser, request);
    const admin = currentUser(request);
    const at = now();
    await db.transaction(async (tx) => {
      const { user, role } = await loadUser(tx, id);
      const changes: Record<string, { from: unknown; to: unknown }> = {};
      const set: Partial<typeof s.users.$inferInsert> = {};
      for (const key of [
        'email',
        'first_name',
        'last_name',
        'phone',
        'language_preference',
        'is_active',
      ] as const) {
        const value = body[key];
        if (value !== undefined && value !== user[key]) {
          changes[key] = { from: user[key], to: value };
          Object.assign(set, { [key]: value });
        }
      }
      let newRole: RoleName = role;
      if (body.role_id !== undefined || body.role !== undefined) {
        const r = await resolveRole(tx, body);
        if (r.id !== user.role_id) {
          changes.role = { from: role, to: r.name };
          set.role_id = r.id;
          newRole = r.name;
        }
      }
      if (body.email && changes.email) {
        const clash = await tx
          .select({ id: s.users.id })
          .from(s.users)
          .where(and(sql`lower(${s.users.email}) = ${body.email}`, ne(s.users.id, id)));
        if (clash.length > 0) throw new HttpError(409, 'duplicate', 'e-mail already in use');
      }
      const losesAdmin = role === 'admin' && (newRole !== 'admin' || set.is_active === false);
      if (losesAdmin) await keepAnAdmin(tx, id);
      if (Object.keys(set).length > 0) {
        await tx
          .update(s.users)
          .set({ ...set, updated_at: at.toISOString(), updated_by: admin.id })
          .where(eq(s.users.id, id));
      }
      if (body.password !== undefined) {
        // A password the admin knows is a temporary one: the user chooses their own at next sign-in.
        await auth.setPassword(tx, id, body.password, { mustChange: true });
        changes.password = { from: '(hidden)', to: '(reset)' };
      } else if (set.is_active === false) {
        // Disabled (a reset above ends both already): their sessions close, and their PCs' writes made
        // before now still land, later ones do not.
        await auth.revokeUserSessions(tx, id);
        await auth.endGrants(tx, id);
      }
      if (Object.keys(changes).length > 0) {
        await appendAudit(tx, {
          action: 'update',
          object_type: 'users',
          object_id: id,
          user_id: admin.id,
          description: `updated user ${user.username}`,
          details: { changes },
          ip_address: clientInfo(request).ip,
          at,
        });
      }
    });
    const row = await loadUser(db, id);
    return {
      user: profileOf(row),
    };
  });

  // ---- role-change requests ----------------------------------------------------------------------
  const requestColumns = { request: s.role_change_requests, role: s.roles.name };
  const selectRequests = () =>
    db
      .select(requestColumns)
      .from(s.role_change_requests)
      .innerJoin(s.roles, eq(s.roles.id, s.role_change_requests.requested_role_id));

  app.post('/api/role-change-requests', { onRequest: requireUser() }, async (request, reply) => {
    const body = parseBody(CreateRequest, request);
    const me = currentUser(request);
    const row = await db.transaction(async (tx) => {
      const role = await resolveRole(tx, body);
      if (role.id === me.role_id) throw new HttpError(409, 'already_has_role', 'you already have this role');
      const pending = await tx
        .select({ id: s.role_change_requests.id })
        .from(s.role_change_requests)
        .where(and(eq(s.role_change_requests.user_id, me.id), eq(s.role_change_requests.status, 'pending')));
      if (pending.length > 0)
        throw new HttpError(409, 'request_pending', 'you already have a pending request');
      const [created] = await tx
        .insert(s.role_change_requests)
        .values({ user_id: me.id, requested_role_id: role.id, reason: body.reason })
        .returning();
      if (!created) throw new Error('insert returned nothing');
      await appendAudit(tx, {
        action: 'create',
        object_type: 'role_change_requests',
        object_id: created.id,
        user_id: me.id,
        description: `requested role ${role.name}`,
        details: { from: me.role, to: role.name },
        ip_address: clientInfo(request).ip,
        at: now(),
      });
      return publicRequest(created, role.name);
    });
    return reply.code(201).send({ request: row });
  });

  app.get('/api/role-change-requests', { onRequest: requireUser() }, async (request) => {
    const q = parseQuery(ListRequests, request);
    const me = currentUser(request);
    const where: SQL[] = [];
    if (me.role !== 'admin') where.push(eq(s.role_change_requests.user_id, me.id));
    if (q.status) where.push(eq(s.role_change_requests.status, q.status));
    const rows = await selectRequests()
      .where(and(...where))
      .orderBy(desc(s.role_change_requests.created_at));
    return { requests: rows.map((r) => publicRequest(r.request, r.role)) };
  });

  app.get('/api/role-change-requests/:id', { onRequest: requireUser() }, async (request) => {
    const { id } = parseParams(IdParams, request);
    const me = currentUser(request);
    const [row] = await selectRequests().where(eq(s.role_change_requests.id, id));
    // Somebody else's request is "not found" to a non-admin, not "forbidden": no existence leak.
    if (!row || (me.role !== 'admin' && row.request.user_id !== me.id)) throw new HttpError(404, 'not_found');
    return { request: publicRequest(row.request, row.role) };
  });

  const review = (decision: 'approved' | 'rejected') => async (request: FastifyRequest) => {
    const { id } = parseParams(IdParams, request);
    const body = decision === 'rejected' ? parseBody(Reject, request) : parseBody(Review, request);
    const admin = currentUser(request);
    const at = now();
    return db.transaction(async (tx) => {
      const [row] = await tx
        .select(requestColumns)
        .from(s.role_change_requests)
        .innerJoin(s.roles, eq(s.roles.id, s.role_change_requests.requested_role_id))
        .where(eq(s.role_change_requests.id, id))
        .for('update');
      if (!row) throw new HttpError(404, 'not_found');
      if (row.request.status !== 'pending') {
        throw new HttpError(409, 'not_pending', `this request is already ${row.request.status}`);
      }
      const [updated] = await tx
        .update(s.role_change_requests)
        .set({
          status: decision,
          reviewed_by: admin.id,
          reviewed_at: at.toISOString(),
          review_notes: body?.review_notes ?? null,
        })
        .where(eq(s.role_change_requests.id, id))
        .returning();
      if (!updated) throw new Error('update returned nothing');
      if (decision === 'approved') {
        const target = await loadUser(tx, row.request.user_id);
        await changeRole(
          tx,
          request,
          { id: target.user.id, role: target.role },
          { id: row.request.requested_role_id, name: row.role },
          `approved role-change request ${id}`,
          at,
        );
      }
      await appendAudit(tx, {
        action: 'admin',
        object_type: 'role_change_requests',
        object_id: id,
        user_id: admin.id,
        description: `${decision} role-change request`,
        details: { status: decision, review_notes: body?.review_notes ?? null },
        ip_address: clientInfo(request).ip,
        at,
      });
      return { request: publicRequest(updated, row.role) };
    });
  };
  app.post('/api/role-change-requests/:id/approve', { onRequest: requireAdmin() }, review('approved'));
  app.post('/api/role-change-requests/:id/reject', { onRequest: requireAdmin() }, review('rejected'));

  const assign = async (request: FastifyRequest) => {
    const body = parseBody(Assign, request);
    const at = now();
    return db.transaction(async (tx) => {
      const target = await loadUser(tx, body.user_id);
      const role = await resolveRole(tx, body);
      if (role.id !== target.user.role_id) {
        await changeRole(
          tx,
          request,
          { id: target.user.id, role: target.role },
          { id: role.id, name: role.name },
          body.review_notes ? `assigned role: ${body.review_notes}` : 'assigned role',
          at,
        );
      }
      const after = await loadUser(tx, body.user_id);
      return {
        user: profileOf(after),
      };
    });
  };
  // Seed 002 spells it `assign_role`; both spellings are served.
  app.post('/api/role-change-requests/assign-role', { onRequest: requireAdmin() }, assign);
  app.post('/api/role-change-requests/assign_role', { onRequest: requireAdmin() }, assign);
};
