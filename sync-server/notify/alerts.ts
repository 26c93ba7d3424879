/**
 * Cross-row rules judged on the server after a batch is merged (DESIGN §4a): a rule that offline work
 * broke — two admissions into one bed, a batch below zero — becomes an alert, a task and a
 * notification for the person who can put it right (the ward's nurse in charge, the pharmacist or
 * cashier who made the last move, else an admin). Never a rejected write: both admissions land.
 * An open alert whose rule holds again is closed, with its task. Runs inside the batch's
 * transaction, with the same queries the workstations use (db/rules/invariants.ts).
 */
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Row } from '../../db/primitives/index.ts';
import { type Invariant, subjectsOf, type Verdict } from '../../db/rules/invariants.ts';
import type { AlertKind } from '../../db/schema/communication.ts';
import * as s from '../../db/schema/pg.ts';
import type { AuditEntry } from '../auth/audit.ts';
import { rowsOf, type ServerDb } from '../platform/database.ts';

/** A row a batch changed: as it was (null for an insert) and as it is now. */
export interface TouchedRow {
  table: string;
  before: Row | null;
  after: Row;
}

const TITLES: Record<AlertKind, string> = {
  bed_double_occupancy: 'Bed occupied twice',
  two_open_admissions: 'Patient admitted twice',
  doctor_double_booked: 'Doctor double-booked',
  resource_double_booked: 'Resource double-booked',
  stock_below_zero: 'Stock below zero',
  bill_overpaid: 'Bill paid beyond its total',
  expired_batch_dispensed: 'Expired batch dispensed',
  critical_lab_result: 'Critical lab result to review',
  low_stock: 'Stock below its reorder level',
  batch_expiring: 'Batch expiring soon',
  vaccination_due: 'Vaccination dose due',
};

/** How an alert reaches people: its task's priority, the notification's type, who else hears of it. */
export interface Delivery {
  priority: 'normal' | 'high' | 'critical';
  notificationType: 'system' | 'critical_lab' | 'low_stock' | 'expiry' | 'task';
  /** Besides the assignee (all the pharmacists for stock). */
  alsoNotify?: readonly string[];
}

const MERGE_DELIVERY: Delivery = { priority: 'high', notificationType: 'system' };

/** The subjects of every rule the touched rows can affect (old and new versions both count). */
export function subjectsTouched(touched: readonly TouchedRow[]): Map<Invariant, string[]> {
  const all = new Map<Invariant, Set<string>>();
  for (const t of touched) {
    for (const [inv, keys] of subjectsOf(t.table, [t.before, t.after])) {
      const set = all.get(inv) ?? new Set<string>();
      for (const k of keys) set.add(k);
      all.set(inv, set);
    }
  }
  return new Map([...all].map(([inv, keys]) => [inv, [...keys]]));
}

/**
 * Judges the rules the batch touched; raises what is newly broken, closes what holds again.
 * Returns audit entries for what it did (the caller chains them with the batch's).
 */
export async function judgeRules(
  tx: ServerDb,
  touched: readonly TouchedRow[],
  now: string,
): Promise<AuditEntry[]> {
  const audits: AuditEntry[] = [];
  for (const [inv, keys] of subjectsTouched(touched)) {
    const verdicts = inv.judge(keys, rowsOf<Row>(await tx.execute(inv.query(keys))));
    const open = await tx
      .select()
      .from(s.alerts)
      .where(
        and(
          eq(s.alerts.kind, inv.kind),
          inArray(s.alerts.subject_key, keys),
          eq(s.alerts.status, 'open'),
          isNull(s.alerts.deleted_at),
        ),
      );
    for (const v of verdicts) {
      const existing = open.find((a) => a.subject_key === v.subject_key);
      if (v.excess > 0 && !existing) audits.push(await raiseAlert(tx, v, now, MERGE_DELIVERY));
      else if (v.excess === 0 && existing) audits.push(await closeAlert(tx, existing, now));
    }
  }
  return audits;
}

/** Someone who can always act: the first active admin (the fallback assignee). */
export async function anAdmin(tx: ServerDb): Promise<string | null> {
  const [row] = await tx
    .select({ id: s.users.id })
    .from(s.users)
    .innerJoin(s.roles, eq(s.roles.id, s.users.role_id))
    .where(and(eq(s.roles.name, 'admin'), eq(s.users.is_active, true), isNull(s.users.deleted_at)))
    .orderBy(asc(s.users.created_at))
    .limit(1);
  return row?.id ?? null;
}

/** An alert with its task for the assignee (an admin when nobody else can act) and notifications. */
export async function raiseAlert(
  tx: ServerDb,
  v: Omit<Verdict, 'excess'>,
  now: string,
  delivery: Delivery,
): Promise<AuditEntry> {
  const assignee = v.assignee ?? (await anAdmin(tx));
  const [task] = assignee
    ? await tx
        .insert(s.tasks)
        .values({
          assigned_to: assignee,
          patient_id: v.patient_id,
          title: TITLES[v.kind],
          description: v.message,
          priority: delivery.priority,
          created_at: now,
          updated_at: now,
        })
        .returning({ id: s.tasks.id })
    : [];
  const [alert] = await tx
    .insert(s.alerts)
    .values({
      kind: v.kind,
      subject_key: v.subject_key,
      message: v.message,
      assigned_to: assignee,
      task_id: task?.id ?? null,
      ward_id: v.ward_id,
      patient_id: v.patient_id,
      related_ids: v.related_ids,
      created_at: now,
      updated_at: now,
    })
    .returning({ id: s.alerts.id });
  const told = [...new Set([...(assignee ? [assignee] : []), ...(delivery.alsoNotify ?? [])])];
  if (told.length)
    await tx.insert(s.notifications).values(
      told.map((user_id) => ({
        user_id,
        title: TITLES[v.kind],
        message: v.message,
        notification_type: delivery.notificationType,
        related_table: 'alerts',
        related_id: alert?.id ?? null,
        created_at: now,
        updated_at: now,
      })),
    );
  return {
    action: 'create',
    object_type: 'alerts',
    object_id: alert?.id ?? null,
    user_id: null,
    description: `alert raised: ${v.kind}`,
    details: { kind: v.kind, subject_key: v.subject_key, related_ids: v.related_ids, assigned_to: assignee },
  };
}

/** Resolves an alert whose cause has gone, with its task. */
export async function closeAlert(
  tx: ServerDb,
  alert: typeof s.alerts.$inferSelect,
  now: string,
): Promise<AuditEntry> {
  await tx
    .update(s.alerts)
    .set({ status: 'resolved', resolved_at: now, updated_at: now })
    .where(eq(s.alerts.id, alert.id));
  if (alert.task_id)
    await tx
      .update(s.tasks)
      .set({ status: 'done', completed_at: now, updated_at: now })
      .where(and(eq(s.tasks.id, alert.task_id), sql`${s.tasks.status} IN ('open', 'in_progress')`));
  return {
    action: 'update',
    object_type: 'alerts',
    object_id: alert.id,
    user_id: null,
    description: `alert closed, its cause has gone: ${alert.kind}`,
    details: { kind: alert.kind, subject_key: alert.subject_key },
  };
}
