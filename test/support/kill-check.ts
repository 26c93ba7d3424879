/**
 * Looking at a SIGKILLed workstation's files from outside (fault tests, the crash soak): the core
 * hands out no SQL handle, so the encrypted file is reopened with a second connection.
 */
import { join } from 'node:path';
import { openLocalDatabase } from '../../main/core/store/local-db.ts';

export interface LocalCheck {
  integrity: string;
  missing: string[];
  rowsWithoutOutbox: number;
  outboxWithoutRow: number;
  duplicateSeqs: number;
  pendingIds: string[];
  outboxIds: string[];
}

/** Reopens a killed workstation's files in this process and checks them. */
export function inspect(
  dir: string,
  printed: readonly string[],
  mrnLike: string,
  key = 'fault-test-key',
): LocalCheck {
  const local = openLocalDatabase({ path: join(dir, 'workstation.db'), key });
  try {
    const db = local.sqlite;
    const integrity = (db.pragma('integrity_check', { simple: true }) as string) ?? '';
    const have = new Set((db.prepare('SELECT id FROM patients').all() as { id: string }[]).map((r) => r.id));
    const n = (sql: string, ...p: unknown[]) => (db.prepare(sql).get(...p) as { n: number }).n;
    return {
      integrity,
      missing: printed.filter((id) => !have.has(id)),
      // By table name and row id: the outbox's index, so this stays linear on the soak's large files.
      rowsWithoutOutbox: n(
        `SELECT COUNT(*) AS n FROM patients p WHERE p.mrn LIKE ? AND NOT EXISTS
           (SELECT 1 FROM outbox o WHERE o.table_name = 'patients' AND o.row_id = p.id
              AND o.operation = 'insert')`,
        mrnLike,
      ),
      outboxWithoutRow: n(
        `SELECT COUNT(*) AS n FROM outbox o WHERE NOT EXISTS (SELECT 1 FROM patients p WHERE p.id = o.row_id)`,
      ),
      duplicateSeqs: n('SELECT COUNT(*) - COUNT(DISTINCT seq) AS n FROM outbox'),
      pendingIds: (
        db.prepare(`SELECT id FROM outbox WHERE status = 'pending'`).all() as { id: string }[]
      ).map((r) => r.id),
      outboxIds: (db.prepare('SELECT id FROM outbox').all() as { id: string }[]).map((r) => r.id),
    };
  } finally {
    local.close();
  }
}
