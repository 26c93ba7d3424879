/** Messages, reminders, tasks and the audit trail. */
import { c, serverTable, syncedTable } from './dsl.ts';

export const notifications = syncedTable(
  'notifications',
  {
    user_id: c.uuid().notNull().references('users'),
    title: c.text().notNull(),
    message: c.text().notNull(),
    notification_type: c
      .enum(['info', 'appointment', 'critical_lab', 'low_stock', 'expiry', 'task', 'sync', 'system'])
      .notNull(),
    is_read: c.bool().notNull().default(false),
    related_table: c.text(),
    related_id: c.uuid(),
  },
  { indexes: [['user_id', 'is_read']] },
);

export const tasks = syncedTable(
  'tasks',
  {
    assigned_to: c.uuid().notNull().references('users'),
    patient_id: c.uuid().references('patients'),
    title: c.text().notNull(),
    description: c.text(),
    priority: c.enum(['low', 'normal', 'high', 'critical']).notNull().default('normal'),
    status: c.enum(['open', 'in_progress', 'done', 'cancelled']).notNull().default('open'),
    due_at: c.timestamp(),
    completed_at: c.timestamp(),
  },
  { indexes: [['assigned_to', 'status'], ['patient_id']] },
);

/** The cross-row rules that offline work can break (DESIGN §4a); see db/rules/invariants.ts. */
export const ALERT_KINDS = [
  'bed_double_occupancy',
  'two_open_admissions',
  'doctor_double_booked',
  'resource_double_booked',
  'stock_below_zero',
  'bill_overpaid',
  'expired_batch_dispensed',
  // Raised by the server's watch job (sync-server/notify/watch.ts), not by a merge.
  'critical_lab_result',
  'low_stock',
  'batch_expiring',
  'vaccination_due',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/**
 * A cross-row rule found broken on the server after merging work from PCs that were cut off (two
 * admissions into one bed, a batch below zero): never a silent rejection, but this alert and a task
 * for the person who can put it right. Resolved by that person, or by the server when the rule holds
 * again.
 */
export const alerts = syncedTable(
  'alerts',
  {
    kind: c.enum(ALERT_KINDS).notNull(),
    /** What the rule is about: a bed, patient, batch or bill id, or `doctor/date` for a slot. */
    subject_key: c.text().notNull(),
    /** A sentence for the assignee, without clinical detail. */
    message: c.text().notNull(),
    status: c.enum(['open', 'resolved']).notNull().default('open'),
    assigned_to: c.uuid().references('users'),
    task_id: c.uuid().references('tasks'),
    /** The ward whose PCs should see it (bed and admission rules). */
    ward_id: c.uuid().references('wards'),
    patient_id: c.uuid().references('patients'),
    /** Ids of the rows involved, e.g. the two admissions. */
    related_ids: c.json<string[]>(),
    resolved_by: c.uuid().references('users'),
    resolved_at: c.timestamp(),
  },
  { indexes: [['kind', 'subject_key'], ['status'], ['assigned_to'], ['ward_id']] },
);

export const note_templates = syncedTable('note_templates', {
  name: c.text().notNull(),
  owner_id: c.uuid().references('users'),
  note_type: c.enum(['progress', 'nursing', 'handover', 'discharge', 'procedure', 'encounter']).notNull(),
  body: c.text().notNull(),
  is_shared: c.bool().notNull().default(false),
});

export const secure_messages = syncedTable(
  'secure_messages',
  {
    sender_id: c.uuid().notNull().references('users'),
    recipient_id: c.uuid().notNull().references('users'),
    patient_id: c.uuid().references('patients'),
    subject: c.text().notNull(),
    body: c.text().notNull(),
    read_at: c.timestamp(),
  },
  { appendOnly: true, indexes: [['recipient_id'], ['sender_id']] },
);

/** One reminder or follow-up per appointment, type and channel: the unique key makes sending idempotent. */
export const appointment_notifications = syncedTable(
  'appointment_notifications',
  {
    appointment_id: c.uuid().notNull().references('appointments'),
    notification_type: c.enum(['reminder', 'follow_up']).notNull(),
    channel: c.enum(['sms', 'email']).notNull(),
    status: c.enum(['pending', 'sending', 'sent', 'failed', 'cancelled']).notNull().default('pending'),
    scheduled_for: c.timestamp().notNull(),
    sent_at: c.timestamp(),
    attempts: c.int().notNull().default(0).nonNegative(),
    next_attempt_at: c.timestamp(),
    error_message: c.text(),
    provider_message_id: c.text(),
  },
  { uniques: [['appointment_id', 'notification_type', 'channel']], indexes: [['status', 'scheduled_for']] },
);

/**
 * Append-only, hash-chained audit trail (Postgres only; workstations send their audit events as
 * mutations). `hash` = sha256(prev_hash ‖ canonical row), so altering or deleting a row breaks
 * verification from that row on.
 */
export const audit_log = serverTable(
  'audit_log',
  {
    seq: c.bigint().notNull().unique(),
    user_id: c.uuid().references('users'),
    workstation_id: c.uuid(),
    action: c
      .enum(['create', 'update', 'delete', 'read', 'login', 'logout', 'merge', 'resolve_conflict', 'admin'])
      .notNull(),
    object_type: c.text().notNull(),
    object_id: c.text(),
    description: c.text(),
    details: c.json<Record<string, unknown>>(),
    device_time: c.timestamp(),
    ip_address: c.text(),
    prev_hash: c.text(),
    hash: c.text().notNull(),
  },
  { indexes: [['object_type', 'object_id'], ['user_id'], ['created_at']] },
);
