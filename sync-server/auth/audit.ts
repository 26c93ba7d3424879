/**
 * The tamper-evident audit log: rows form a chain ordered by `seq`, each sealed with a key kept
 * outside the database.
 *
 * `hash = 'h1:' + HMAC-SHA256(audit key, prev_hash + canonicalJson(row))`, where the row is every
 * audited field (timestamps as ISO-8601 UTC). Without the key (auth/secrets.ts keeps it in a file)
 * nobody can rewrite a row and re-seal the rest, as they could with a plain hash. Rows from before the
 * key (`sha256(prev_hash + row)`) still verify, but only before the first sealed row.
 *
 * Deleting the newest rows leaves a valid shorter chain, so the head is checkpointed outside the
 * database too (`audit-head-<chain>.json` beside the key): every append records the head it found
 * (committed, since it was read under the lock), the nightly check records the head it verified, and
 * the check fails when the checkpointed row is gone or changed.
 *
 * `appendAudit` must run inside the caller's transaction: it takes a transaction-level advisory lock
 * so concurrent appends (from any process) chain one after another, and the audit row commits or
 * rolls back together with the change it describes.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { asc, eq, gt, sql } from 'drizzle-orm';
import { canonicalJson, sha256Hex } from '../../db/primitives/index.ts';
import * as s from '../../db/schema/pg.ts';
import { isoTime } from '../http/time.ts';
import { insertJsonRows } from '../platform/bulk-insert.ts';
import { rowsOf, type ServerDb } from '../platform/database.ts';
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

/** The audited fields of a row, canonical: what its hash covers. */
function auditBody(row: Omit<AuditRow, 'hash' | 'prev_hash'>): string {
  return canonicalJson({
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
}

/** The unkeyed hash of rows written before the chain was sealed with a key. */
export function auditHash(prevHash: string | null, row: Omit<AuditRow, 'hash' | 'prev_hash'>): string {
  return sha256Hex((prevHash ?? '') + auditBody(row));
}

/** The keyed seal of a row. */
export function auditSeal(
  key: Buffer,
  prevHash: string | null,
  row: Omit<AuditRow, 'hash' | 'prev_hash'>,
): string {
  return `h1:${createHmac('sha256', key)
    .update((prevHash ?? '') + auditBody(row))
    .digest('hex')}`;
}

/** The key and the directory of the head checkpoints, set once the server's keys are loaded. */
let seal: { key: Buffer; dir: string } | null = null;

export function setAuditKey(key: Buffer, dir: string): void {
  seal = { key, dir };
}

function sealing(): { key: Buffer; dir: string } {
  if (!seal) throw new Error('the audit key is not loaded (loadServerKeys first)');
  return seal;
}

/** The row naming this database's chain, so each chain has its own head checkpoint. */
const CHAIN_ID = 'audit_chain_id';

/** Read on every append: named once, by the first (the insert only when it is missing). */
async function chainId(db: ServerDb): Promise<string> {
  const named = async () =>
    (await db.select().from(s.server_secrets).where(eq(s.server_secrets.name, CHAIN_ID)))[0]?.value;
  const found = await named();
  if (found) return found;
  await db.insert(s.server_secrets).values({ name: CHAIN_ID, value: randomUUID() }).onConflictDoNothing();
  return (await named()) ?? 'unknown';
}

interface Checkpoint {
  seq: number;
  hash: string;
}

const checkpointFile = (dir: string, chain: string) =>
  join(dir, `audit-head-${chain.replace(/[^\w-]/g, '')}.json`);

function readCheckpoint(dir: string, chain: string): Checkpoint | null {
  try {
    const cp = JSON.parse(readFileSync(checkpointFile(dir, chain), 'utf8')) as Checkpoint;
    return typeof cp.seq === 'number' && typeof cp.hash === 'string' ? cp : null;
  } catch {
    return null;
  }
}

/** Records `head` as the chain's known head, if it is further on than the one recorded. */
function writeCheckpoint(dir: string, chain: string, head: Checkpoint): void {
  const known = readCheckpoint(dir, chain);
  if (known && known.seq >= head.seq) return;
  const file = checkpointFile(dir, chain);
  writeFileSync(`${file}.tmp`, JSON.stringify(head), { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
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
  const { key, dir } = sealing();
  await takeLock(tx, 'auditLog');
  // The chain's tail and its name in one round trip (every sync batch comes through here).
  const [head] = rowsOf<{ chain: string | null; seq: string | null; hash: string | null }>(
    await tx.execute(
      sql`SELECT (SELECT value FROM server_secrets WHERE name = ${CHAIN_ID}) AS chain, t.seq::text AS seq, t.hash
          FROM (SELECT 1) one LEFT JOIN LATERAL (
            SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1) t ON true`,
    ),
  );
  const last = head?.seq != null && head.hash != null ? { seq: Number(head.seq), hash: head.hash } : null;
  // The head found under the lock is committed: checkpoint it (this batch's own rows are the next one's).
  if (last) writeCheckpoint(dir, head?.chain ?? (await chainId(tx)), last);
  let seq = last?.seq ?? 0;
  let prev_hash = last?.hash ?? null;
  const rows: AuditRow[] = entries.map((entry) => {
    seq += 1;
    const base = {
      id: randomUUID(),
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
    const row: AuditRow = { ...base, prev_hash, hash: auditSeal(key, prev_hash, base) };
    prev_hash = row.hash;
    return row;
  });
  await insertJsonRows(tx, 'audit_log', AUDIT_COLUMNS, rows);
  return rows;
}

/**
 * Re-computes the chain and checks its head against the checkpoint; returns the first broken `seq`
 * (a changed, removed or re-sealed row; or the checkpointed head when newer rows were deleted), or
 * null when the whole log is intact. A verified head is checkpointed.
 */
export async function verifyAuditChain(db: ServerDb, batch = 1000): Promise<number | null> {
  const { key, dir } = sealing();
  let prev: string | null = null;
  let expectedSeq = 1;
  let after = 0;
  let sealed = false;
  const hashes = new Map<number, string>();
  const cp = readCheckpoint(dir, await chainId(db));
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
      const body = rest as Omit<AuditRow, 'hash' | 'prev_hash'>;
      // An unkeyed row after a sealed one is a rewrite, not history.
      const expected: string | null = hash.startsWith('h1:')
        ? auditSeal(key, prev, body)
        : sealed
          ? null
          : auditHash(prev, body);
      if (expected !== hash) return r.seq;
      sealed ||= hash.startsWith('h1:');
      if (cp && r.seq === cp.seq) hashes.set(r.seq, hash);
      prev = hash;
      expectedSeq += 1;
      after = r.seq;
    }
    if (rows.length < batch) break;
  }
  if (cp && hashes.get(cp.seq) !== cp.hash) return cp.seq;
  if (prev !== null) writeCheckpoint(dir, await chainId(db), { seq: after, hash: prev });
  return null;
}
