/** The queue sizes the status bar shows: open conflicts and refused writes, for everyone on this PC. */
import type Database from 'better-sqlite3';

export function openQueueCounts(sqlite: Database.Database): { conflicts: number; quarantined: number } {
  const count = (sql: string) => (sqlite.prepare(sql).get() as { n: number }).n;
  return {
    conflicts: count(`SELECT count(*) AS n FROM sync_conflicts WHERE status = 'open' AND deleted_at IS NULL`),
    quarantined: count(
      `SELECT count(*) AS n FROM quarantined_mutations WHERE status = 'open' AND deleted_at IS NULL`,
    ),
  };
}
