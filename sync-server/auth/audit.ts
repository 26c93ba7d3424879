/**
 * The tamper-evident audit log: rows form a hash chain ordered by `seq`.
 *
 * `hash = sha256(prev_hash + canonicalJson(row))`, where the row is every audited field (timestamps
 * as ISO-8601 UTC). `appendAudit` must run inside the caller's transaction: it takes a
 * transaction-level advisory lock so concurrent appends (from any process) chain one after another,
 * and the audit row commits or rolls back together with the change it describes.
 */
import { asc, desc, gt } from 'drizzle-orm';
import { canonicalJson, sha256Hex } from '../../db/primitives/index.ts';
import * as s from '../../db/schema/pg.ts';
import { isoTime } from '../http/time.ts';
import { insertJsonRows } from '../platform/bulk-insert.ts';
import type { ServerDb } from '../platform/database.ts';
import { takeLock } from '../platform/locks.ts';

export type AuditAction = (typeof s.audit_log.$inferInsert)['action'];

export interface AuditEntry {
  action: AuditAction;
  object_type: string;
  object_id?: string | null;
  user_id?: string | null;
  workstation_id?: string | null;
  description?: string | null;
  details?: Record<string, unknown> | null;
  /** When the event happened on the device (mutations made offline); the server's time otherwise. */
  device_time?: string | null;
  ip_address?: string | null;
  /** The server time of the append; defaults to now. */
  at?: Date;
}

export interface AuditRow {
  id: string;
  seq: number;
  created_at: string;
  user_id: string | null;
  workstation_id: string | null;
  action: AuditAction;
  object_type: string;
  object_id: string | null;
  description: string | null;
  details: Record<string, unknown> | null;
  device_time: string | null;
  ip_address: string | null;
  prev_hash: string | null;
  hash: string;
}

export function auditHash(prevHash: string | null, row: Omit<AuditRow, 'hash' | 'prev_hash'>): string {
  const body = canonicalJson({
    id: row.id,
    seq: row.seq,
    created_at: isoTime(row.created_at),
    user_id: row.user_id,
    workstation_id: row.workstation_id,
    action: row.action,
    object_type: row.object_type,
    object_id: row.object_id,
    description: row.description,
    details: row.details,
    device_time: isoTime(row.device_time),
    ip_address: row.ip_address,
  });
  return sha256Hex((prevHash ?? '') + body);
}

const AUDIT_COLUMNS = [
  'id',
  'seq',
  'created_at',
  'user_id',
  'workstation_id',
  'action',
  'object_type',
  'object_id',
  'description',
  'details',
  'device_time',
  'ip_address',
  'prev_hash',
  'hash',
] as const;

/** Appends one audit row. Call it with a transaction (`db.transaction(tx => appendAudit(tx, …))`). */
export async function appendAudit(tx: ServerDb, entry: AuditEntry): Promise<AuditRow> {
  const [row] = await appendAuditBatch(tx, [entry]);
  return row as AuditRow;
}

/**
 * Appends several audit rows in order with one lock, one read of the chain's tail and one insert
 * (a sync batch audits every mutation it applies). Same transaction rules as `appendAudit`.
 */
export async function appendAuditBatch(tx: ServerDb, entries: readonly AuditEntry[]): Promise<AuditRow[]> {
  if (entries.length === 0) return [];
  await takeLock(tx, 'auditLog');
  const [last] = await tx
    .select({ seq: s.audit_log.seq, hash: s.audit_log.hash })
    .from(s.audit_log)
    .orderBy(desc(s.audit_log.seq))
    .limit(1);
  let seq = last?.seq ?? 0;
  let prev_hash = last?.hash ?? null;
  const rows: AuditRow[] = entries.map((entry) => {
    seq += 1;
    const base = {
      id: crypto.randomUUID(),
      seq,
      created_at: (entry.at ?? new Date()).toISOString(),
      user_id: entry.user_id ?? null,
      workstation_id: entry.workstation_id ?? null,
      action: entry.action,
      object_type: entry.object_type,
      object_id: entry.object_id ?? null,
      description: entry.description ?? null,
      details: entry.details ?? null,
      device_time: entry.device_time ? isoTime(entry.device_time) : null,
      ip_address: entry.ip_address ?? null,
    };
    const row: AuditRow = { ...base, prev_hash, hash: auditHash(prev_hash, base) };
    prev_hash = row.hash;
    return row;
  });
  await insertJsonRows(tx, 'audit_log', AUDIT_COLUMNS, rows);
  return rows;
}

/** Re-computes the chain; returns the first broken `seq`, or null when the whole log is intact. */
export async function verifyAuditChain(db: ServerDb, batch = 1000): Promise<number | null> {
  let prev: string | null = null;
  let expectedSeq = 1;
  let after = 0;
  for (;;) {
    const rows = await db
      .select()
      .from(s.audit_log)
      .where(gt(s.audit_log.seq, after))
      .orderBy(asc(s.audit_log.seq))
      .limit(batch);
    for (const r of rows) {
      if (r.seq !== expectedSeq || r.prev_hash !== prev) return r.seq;
      const { hash, prev_hash: _p, ...rest } = r;
      if (auditHash(prev, rest as Omit<AuditRow, 'hash' | 'prev_hash'>) !== hash) return r.seq;
      prev = hash;
      expectedSeq += 1;
      after = r.seq;
    }
    if (rows.length < batch) return null;
  }
}
