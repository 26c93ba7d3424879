/**
 * Changes made with plain SQL, outside the application (psql, an integration, a script with its own
 * connection), reach workstations through the change log like any other; this job also writes each
 * into the audit trail as what it is: which row of which table, which fields, "changed outside the
 * application". The server's own connections mark their changes (`hms.via`), so only the others
 * are picked up. Runs every minute, from where it stopped (`sync_counters.plain_sql_audited`).
 */
import { type SQL, sql } from 'drizzle-orm';
import { type AuditEntry, appendAuditBatch } from '../auth/audit.ts';
import { rowsOf, type ServerDb } from '../platform/database.ts';
import { LOCK_KEYS } from '../platform/locks.ts';
import type { Job } from './scheduler.ts';

export const PLAIN_SQL_AUDIT_JOB = 'plain-sql-audit';
const CURSOR = 'plain_sql_audited';
const BATCH = 1_000;

interface Change {
  seq: string;
  table_name: string;
  row_id: string;
  operation: 'insert' | 'update' | 'delete';
  fields: string[] | null;
}

const ACTION = { insert: 'create', update: 'update', delete: 'delete' } as const;

/** Audits the plain-SQL changes logged since the last run; returns how many. */
export async function auditPlainSqlChanges(db: ServerDb): Promise<number> {
  return db.transaction(async (tx) => {
    const q = async <R>(query: SQL) => rowsOf<R>(await tx.execute(query));
    // The first run starts from now: changes logged before this job existed carry no mark at all.
    await tx.execute(
      sql`INSERT INTO sync_counters (key, value)
          VALUES (${CURSOR}, (SELECT coalesce(max(seq), 0)::text FROM change_log)) ON CONFLICT (key) DO NOTHING`,
    );
    const [cursor] = await q<{ value: string }>(
      sql`SELECT value FROM sync_counters WHERE key = ${CURSOR} FOR UPDATE`,
    );
    // Field names only (which columns changed), never their values: the trail says who changed what.
    const changes = await q<Change>(sql`
      SELECT cl.seq::text AS seq, cl.table_name, cl.row_id::text AS row_id, cl.operation,
        (SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(coalesce(cl.new_row, cl.old_row)) k
          WHERE cl.operation <> 'update' OR cl.new_row -> k IS DISTINCT FROM cl.old_row -> k) AS fields
      FROM change_log cl
      WHERE cl.seq > ${cursor?.value ?? '0'}::bigint AND cl.via IS NULL
      ORDER BY cl.seq LIMIT ${BATCH}`);
    if (changes.length === 0) return 0;
    const entries: AuditEntry[] = changes.map((c) => ({
      action: ACTION[c.operation],
      object_type: c.table_name,
      object_id: c.row_id,
      description: 'changed with plain SQL, outside the application',
      details: {
        fields: (c.fields ?? []).filter((f) => f !== 'version' && f !== 'updated_at'),
        change_log_seq: Number(c.seq),
      },
    }));
    await appendAuditBatch(tx, entries);
    const last = changes[changes.length - 1] as Change;
    await tx.execute(sql`UPDATE sync_counters SET value = ${last.seq} WHERE key = ${CURSOR}`);
    return changes.length;
  });
}

export function plainSqlAuditJob(): Job {
  return {
    name: PLAIN_SQL_AUDIT_JOB,
    schedule: '* * * * *',
    lockKey: LOCK_KEYS.plainSqlAuditJob,
    run: async (_query, tx) => ({ audited: await auditPlainSqlChanges(tx) }),
  };
}
