/**
 * Reminder messages over HTTP: `GET /api/appointment-notifications/:id/status` in the seeds' shape,
 * for any signed-in staff member (a receptionist answering "did the patient get the SMS?"), and
 * `GET /api/appointment-notifications` for admins, filtered by status, channel, type and time.
 */
import { and, desc, eq, gte, lte, type SQL } from 'drizzle-orm';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import * as s from '../../db/schema/pg.ts';
import { requireAdmin, requireUser } from '../auth/guard.ts';
import { HttpError, parseQuery, parseWith } from '../http/errors.ts';
import { isoTime } from '../http/time.ts';

const Id = z.object({ id: z.uuid() });

const List = z.strictObject({
  status: z.enum(['pending', 'sending', 'sent', 'failed', 'cancelled']).optional(),
  channel: z.enum(['sms', 'email']).optional(),
  notification_type: z.enum(['reminder', 'follow_up']).optional(),
  appointment_id: z.uuid().optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

type Row = typeof s.appointment_notifications.$inferSelect;

const view = (r: Row) => ({
  id: r.id,
  appointment_id: r.appointment_id,
  notification_type: r.notification_type,
  channel: r.channel,
  status: r.status,
  scheduled_for: isoTime(r.scheduled_for),
  sent_at: isoTime(r.sent_at),
  attempts: r.attempts,
  error_message: r.error_message ?? '',
});

export const reminderRoutes: FastifyPluginAsync = async (app) => {
  const db = app.hms.database.db;

  app.get('/api/appointment-notifications/:id/status', { onRequest: requireUser() }, async (request) => {
    const { id } = parseWith(Id, request.params, 'path');
    const [row] = await db
      .select()
      .from(s.appointment_notifications)
      .where(eq(s.appointment_notifications.id, id));
    if (!row) throw new HttpError(404, 'not_found', 'no such appointment notification');
    return view(row);
  });

  app.get('/api/appointment-notifications', { onRequest: requireAdmin() }, async (request) => {
    const q = parseQuery(List, request);
    const n = s.appointment_notifications;
    const where: SQL[] = [];
    if (q.status) where.push(eq(n.status, q.status));
    if (q.channel) where.push(eq(n.channel, q.channel));
    if (q.notification_type) where.push(eq(n.notification_type, q.notification_type));
    if (q.appointment_id) where.push(eq(n.appointment_id, q.appointment_id));
    if (q.from) where.push(gte(n.scheduled_for, new Date(q.from).toISOString()));
    if (q.to) where.push(lte(n.scheduled_for, new Date(q.to).toISOString()));
    const rows = await db
      .select()
      .from(n)
      .where(and(...where))
      .orderBy(desc(n.scheduled_for))
      .limit(q.limit)
      .offset(q.offset);
    return { notifications: rows.map(view) };
  });
};
