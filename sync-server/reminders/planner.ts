/**
 * The reminder planner: every minute, each appointment that is ahead, recently completed, or still
 * has messages waiting is matched with the messages it should have (plan.ts), and the rows of
 * `appointment_notifications` are created, moved, cancelled or reopened to match. A job of the
 * scheduler: one server instance at a time, in the job's transaction (it sends nothing).
 */
import { v7 as uuidv7 } from 'uuid';
import type { Job } from '../jobs/scheduler.ts';
import type { RawQuery } from '../platform/database.ts';
import { LOCK_KEYS } from '../platform/locks.ts';
import {
  type AppointmentFacts,
  type ExistingNotification,
  type PatientContact,
  reconcile,
  wantedFor,
} from './plan.ts';
import { readMessageSettings } from './settings.ts';

export const REMINDER_PLANNER_JOB = 'reminder-planner';

interface Candidate extends AppointmentFacts, PatientContact {}

/** One pass; returns what it changed. `hoursBefore` overrides the setting (the command line's `--hours`). */
export async function planReminders(query: RawQuery, now: Date, opts: { hoursBefore?: number } = {}) {
  const read = await readMessageSettings(query);
  const settings = opts.hoursBefore === undefined ? read : { ...read, hoursBefore: opts.hoursBefore };
  // Ahead (reminders), completed within a day plus the follow-up delay, or holding pending messages.
  const candidates = await query<Candidate>(
    `SELECT a.id::text, to_char(a.date, 'YYYY-MM-DD') AS date, a.time, a.status,
            to_char(a.completed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS completed_at,
            a.deleted_at::text AS deleted_at, p.phone, p.email, p.consent_sms, p.consent_email
       FROM appointments a JOIN patients p ON p.id = a.patient_id
      WHERE a.date >= ($1::timestamptz - interval '1 day')::date
         OR (a.status = 'completed' AND a.completed_at >= $1::timestamptz - interval '1 day' - make_interval(hours => $2::int))
         OR a.id IN (SELECT appointment_id FROM appointment_notifications WHERE status = 'pending')`,
    [now.toISOString(), Math.ceil(settings.followUpHours)],
  );
  if (candidates.length === 0) return { appointments: 0, created: 0, moved: 0, cancelled: 0 };
  const existing = await query<ExistingNotification & { appointment_id: string }>(
    `SELECT id::text, appointment_id::text, notification_type, channel, status,
            to_char(scheduled_for AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS scheduled_for
       FROM appointment_notifications WHERE appointment_id = ANY($1::uuid[])`,
    [candidates.map((c) => c.id)],
  );
  const byAppointment = new Map<string, ExistingNotification[]>();
  for (const e of existing)
    byAppointment.set(e.appointment_id, [...(byAppointment.get(e.appointment_id) ?? []), e]);
  const counts = { appointments: candidates.length, created: 0, moved: 0, cancelled: 0 };
  const at = now.toISOString();
  for (const c of candidates) {
    for (const action of reconcile(byAppointment.get(c.id) ?? [], wantedFor(c, c, settings, now))) {
      if (action.kind === 'create') {
        await query(
          `INSERT INTO appointment_notifications (id, created_at, updated_at, appointment_id, notification_type, channel, status, scheduled_for)
           VALUES ($1, $2, $2, $3, $4, $5, 'pending', $6) ON CONFLICT (appointment_id, notification_type, channel) DO NOTHING`,
          [
            uuidv7(),
            at,
            c.id,
            action.wanted.type,
            action.wanted.channel,
            action.wanted.scheduledFor.toISOString(),
          ],
        );
        counts.created++;
      } else if (action.kind === 'cancel') {
        await query(
          `UPDATE appointment_notifications SET status = 'cancelled', updated_at = $2 WHERE id = $1 AND status = 'pending'`,
          [action.id, at],
        );
        counts.cancelled++;
      } else {
        await query(
          `UPDATE appointment_notifications SET status = 'pending', scheduled_for = $2, attempts = 0, next_attempt_at = NULL,
                  error_message = NULL, updated_at = $3
            WHERE id = $1 AND status IN ('pending', 'cancelled')`,
          [action.id, action.scheduledFor.toISOString(), at],
        );
        counts.moved++;
      }
    }
  }
  return counts;
}

export function reminderPlannerJob(opts: { now: () => Date }): Job {
  return {
    name: REMINDER_PLANNER_JOB,
    schedule: '* * * * *',
    lockKey: LOCK_KEYS.reminderPlanner,
    run: (query) => planReminders(query, opts.now()),
  };
}
