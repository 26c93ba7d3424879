/**
 * The server's watch: every few minutes, the conditions that need someone are looked for in the
 * data as it now stands, whichever PC wrote it, and each becomes one alert (with a task and
 * notifications) for the person who can act; an alert whose cause has gone closes itself.
 *
 * - a critical lab result not yet reviewed → its ordering doctor (critical notification, high task);
 * - a medicine whose usable stock is below its reorder level → the pharmacists;
 * - a batch with stock on hand expiring within `pharmacy.expiry_warning_days` (90) → the pharmacists;
 * - a vaccination whose next dose is due within a fortnight, not yet given → the patient's doctor
 *   (the one they last had an appointment with), else an admin.
 * Once per cause: an open alert is never doubled; one a person resolved while its cause still holds
 * comes back only a week later, if the cause is still there.
 * Messages name no clinical detail: the PC shows the patient or item, to those who may see them.
 */
import { and, eq, isNull, sql } from 'drizzle-orm';
import { stockByBatch, stockByItem } from '../../db/derived/stock.ts';
import type { AlertKind } from '../../db/schema/communication.ts';
import * as s from '../../db/schema/pg.ts';
import { type AuditEntry, appendAuditBatch } from '../auth/audit.ts';
import { isoTime } from '../http/time.ts';
import type { Job } from '../jobs/scheduler.ts';
import { type RawQuery, rowsOf, type ServerDb } from '../platform/database.ts';
import { LOCK_KEYS } from '../platform/locks.ts';
import { closeAlert, type Delivery, raiseAlert } from './alerts.ts';

export const WATCH_JOB = 'clinical-and-stock-watch';
const VACCINATION_NOTICE_DAYS = 14;
/** An alert a person resolved while its cause still holds is not raised again for this long. */
const HAND_RESOLVED_QUIET_MS = 7 * 86_400_000;

interface Cause {
  subject_key: string;
  message: string;
  assignee: string | null;
  patient_id: string | null;
  related_ids: string[];
}

interface Watch {
  kind: AlertKind;
  delivery: (pharmacists: string[]) => Delivery;
  find: (query: RawQuery, tx: ServerDb, today: string) => Promise<Cause[]>;
}

const WATCHES: Watch[] = [
  {
    kind: 'critical_lab_result',
    delivery: () => ({ priority: 'high', notificationType: 'critical_lab' }),
    find: async (query) =>
      (
        await query<{ id: string; patient_id: string; ordered_by: string; order_id: string }>(
          `SELECT r.id::text, r.patient_id::text, o.ordered_by::text, o.id::text AS order_id
             FROM lab_results r JOIN lab_orders o ON o.id = r.lab_order_id
            WHERE r.deleted_at IS NULL AND o.deleted_at IS NULL
              AND r.flag IN ('critical_low', 'critical_high') AND o.status NOT IN ('reviewed', 'cancelled')
              AND NOT EXISTS (SELECT 1 FROM lab_results a WHERE a.amends_id = r.id AND a.deleted_at IS NULL)`,
        )
      ).map((r) => ({
        subject_key: r.id,
        message: 'A critical lab result for one of your patients is waiting for your review.',
        assignee: r.ordered_by,
        patient_id: r.patient_id,
        related_ids: [r.order_id, r.id],
      })),
  },
  {
    kind: 'low_stock',
    delivery: (pharmacists) => ({
      priority: 'normal',
      notificationType: 'low_stock',
      alsoNotify: pharmacists,
    }),
    // Usable stock as every screen derives it (db/derived/stock.ts), against each item's level.
    find: async (_query, tx, today) =>
      rowsOf<{ id: string; name: string; usable: string; reorder_level: number }>(
        await tx.execute(
          sql`SELECT i.id::text, i.name, i.reorder_level, s.usable::text AS usable
                FROM (${stockByItem('all', today).sql}) s JOIN medication_items i ON i.id = s.medication_item_id
               WHERE i.is_active AND s.usable < i.reorder_level`,
        ),
      ).map((r) => ({
        subject_key: r.id,
        message: `${r.name}: ${r.usable} usable in stock, below the reorder level of ${r.reorder_level}. Reorder.`,
        assignee: null,
        patient_id: null,
        related_ids: [r.id],
      })),
  },
  {
    kind: 'batch_expiring',
    delivery: (pharmacists) => ({ priority: 'normal', notificationType: 'expiry', alsoNotify: pharmacists }),
    find: async (_query, tx, today) =>
      rowsOf<{ id: string; batch_number: string; name: string; expiry: string; on_hand: string }>(
        await tx.execute(
          sql`SELECT s.stock_batch_id::text AS id, b.batch_number, i.name, s.expiry_date AS expiry, s.on_hand::text AS on_hand
                FROM (${stockByBatch('all').sql}) s
                JOIN stock_batches b ON b.id = s.stock_batch_id
                JOIN medication_items i ON i.id = s.medication_item_id
               WHERE s.on_hand > 0 AND s.expiry_date <= to_char(${today}::date + COALESCE(
                 (SELECT value::int FROM system_settings WHERE key = 'pharmacy.expiry_warning_days' AND value ~ '^[0-9]+$'), 90),
                 'YYYY-MM-DD')`,
        ),
      ).map((r) => ({
        subject_key: r.id,
        message: `${r.name}, batch ${r.batch_number}: ${r.on_hand} on hand, ${r.expiry < today ? 'expired' : 'expires'} on ${r.expiry}.`,
        assignee: null,
        patient_id: null,
        related_ids: [r.id],
      })),
  },
  {
    kind: 'vaccination_due',
    delivery: () => ({ priority: 'normal', notificationType: 'task' }),
    find: async (query, _tx, today) =>
      (
        await query<{ id: string; patient_id: string; vaccine: string; due: string; doctor: string | null }>(
          `SELECT v.id::text, v.patient_id::text, v.vaccine, to_char(v.next_due_on, 'YYYY-MM-DD') AS due,
                  (SELECT a.doctor_id::text FROM appointments a WHERE a.patient_id = v.patient_id AND a.deleted_at IS NULL
                    ORDER BY a.date DESC, a.time DESC LIMIT 1) AS doctor
             FROM vaccinations v
            WHERE v.deleted_at IS NULL AND v.next_due_on IS NOT NULL
              AND v.next_due_on <= $1::date + ${VACCINATION_NOTICE_DAYS}
              AND NOT EXISTS (SELECT 1 FROM vaccinations w WHERE w.patient_id = v.patient_id AND w.vaccine = v.vaccine
                               AND w.administered_on > v.administered_on AND w.deleted_at IS NULL)`,
          [today],
        )
      ).map((r) => ({
        subject_key: r.id,
        message: `A ${r.vaccine} vaccination dose for one of your patients is due on ${r.due}.`,
        assignee: r.doctor,
        patient_id: r.patient_id,
        related_ids: [r.id],
      })),
  },
];

/** One pass over every watch; returns how many alerts it raised and closed. */
export async function watchOnce(query: RawQuery, tx: ServerDb, now: Date) {
  const at = now.toISOString();
  const today = at.slice(0, 10);
  const pharmacists = (
    await query<{ id: string }>(
      `SELECT u.id::text FROM users u JOIN roles r ON r.id = u.role_id
        WHERE r.name = 'pharmacist' AND u.is_active AND u.deleted_at IS NULL ORDER BY u.username`,
    )
  ).map((r) => r.id);
  const audits: AuditEntry[] = [];
  let raised = 0;
  let closed = 0;
  for (const w of WATCHES) {
    const causes = await w.find(query, tx, today);
    const keys = causes.map((c) => c.subject_key);
    const known = await tx
      .select()
      .from(s.alerts)
      .where(and(eq(s.alerts.kind, w.kind), isNull(s.alerts.deleted_at)));
    const current = new Set(keys);
    for (const c of causes) {
      const mine = known.filter((a) => a.subject_key === c.subject_key);
      // Open, or settled by a person lately: raised once already (a week on, still true, it comes back).
      const lately = now.getTime() - HAND_RESOLVED_QUIET_MS;
      if (
        mine.some(
          (a) =>
            a.status === 'open' ||
            (a.resolved_by !== null && a.resolved_at !== null && Date.parse(isoTime(a.resolved_at)) > lately),
        )
      )
        continue;
      const assignee =
        c.assignee ??
        (w.kind === 'low_stock' || w.kind === 'batch_expiring' ? (pharmacists[0] ?? null) : null);
      audits.push(
        await raiseAlert(tx, { kind: w.kind, ward_id: null, ...c, assignee }, at, w.delivery(pharmacists)),
      );
      raised++;
    }
    for (const a of known)
      if (a.status === 'open' && !current.has(a.subject_key)) {
        audits.push(await closeAlert(tx, a, at));
        closed++;
      }
  }
  await appendAuditBatch(tx, audits);
  return { raised, closed };
}

export function watchJob(opts: { now: () => Date }): Job {
  return {
    name: WATCH_JOB,
    schedule: '*/5 * * * *',
    lockKey: LOCK_KEYS.watchJob,
    run: (query, tx) => watchOnce(query, tx, opts.now()),
  };
}
