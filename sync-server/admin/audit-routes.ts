/**
 * The audit trail for admins: the log with filters (who, what, when), a check of its hash chain
 * that names the first row altered or removed (the check is itself audited), and sign-in activity
 * (successes, failures, lockouts), kept apart in `login_activities`.
 */
import { and, desc, eq, gte, lt, type SQL, sql } from 'drizzle-orm';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import * as s from '../../db/schema/pg.ts';
import { appendAudit, verifyAuditChain } from '../auth/audit.ts';
import { clientInfo, currentUser, requireAdmin } from '../auth/guard.ts';
import { parseQuery } from '../http/errors.ts';

const ACTIONS = s.audit_log.action.enumValues;

const ListAudit = z.strictObject({
  action: z.enum(ACTIONS).optional(),
  user_id: z.uuid().optional(),
  object_type: z.string().trim().min(1).max(100).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

const ListLogins = z.strictObject({
  username: z.string().trim().min(1).max(200).optional(),
  status: z.enum(s.login_activities.status.enumValues).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

export const auditRoutes: FastifyPluginAsync = async (app) => {
  const db = app.hms.database.db;

  app.get('/api/audit', { onRequest: requireAdmin() }, async (request) => {
    const q = parseQuery(ListAudit, request);
    const where: SQL[] = [];
    if (q.action) where.push(eq(s.audit_log.action, q.action));
    if (q.user_id) where.push(eq(s.audit_log.user_id, q.user_id));
    if (q.object_type) where.push(eq(s.audit_log.object_type, q.object_type));
    if (q.from) where.push(gte(s.audit_log.created_at, q.from));
    if (q.to) where.push(lt(s.audit_log.created_at, q.to));
    const rows = await db
      .select({
        seq: s.audit_log.seq,
        at: s.audit_log.created_at,
        user_id: s.audit_log.user_id,
        username: s.users.username,
        workstation_id: s.audit_log.workstation_id,
        action: s.audit_log.action,
        object_type: s.audit_log.object_type,
        object_id: s.audit_log.object_id,
        description: s.audit_log.description,
        ip_address: s.audit_log.ip_address,
      })
      .from(s.audit_log)
      .leftJoin(s.users, eq(s.users.id, s.audit_log.user_id))
      .where(where.length ? and(...where) : undefined)
      .orderBy(desc(s.audit_log.seq))
      .limit(q.limit)
      .offset(q.offset);
    return { entries: rows.map((r) => ({ ...r, seq: Number(r.seq) })) };
  });

  app.get('/api/login-activity', { onRequest: requireAdmin() }, async (request) => {
    const q = parseQuery(ListLogins, request);
    const t = s.login_activities;
    const where: SQL[] = [];
    if (q.username) where.push(sql`lower(${t.username_attempted}) = ${q.username.toLowerCase()}`);
    if (q.status) where.push(eq(t.status, q.status));
    if (q.from) where.push(gte(t.created_at, q.from));
    const rows = await db
      .select({
        at: t.created_at,
        username: t.username_attempted,
        user_id: t.user_id,
        status: t.status,
        ip_address: t.ip_address,
        workstation_id: t.workstation_id,
      })
      .from(t)
      .where(where.length ? and(...where) : undefined)
      .orderBy(desc(t.created_at), desc(t.id))
      .limit(q.limit)
      .offset(q.offset);
    return { activities: rows };
  });

  app.get('/api/audit/verify', { onRequest: requireAdmin() }, async (request) => {
    const brokenAt = await verifyAuditChain(db);
    const entries = await db.$count(s.audit_log);
    const admin = currentUser(request);
    await db.transaction((tx) =>
      appendAudit(tx, {
        user_id: admin.id,
        action: 'read',
        object_type: 'audit_log',
        description:
          brokenAt === null ? 'checked the audit chain: intact' : `audit chain broken at ${brokenAt}`,
        ip_address: clientInfo(request).ip,
      }),
    );
    return { intact: brokenAt === null, broken_at: brokenAt, entries };
  });
};
