/**
 * The change log that feeds the shape endpoint: its position (epoch, compaction floor, head), the
 * notifications that wake held long-polls, and compaction. The triggers that write it are installed
 * with the database (`platform/triggers.ts`).
 */
import type { Database, RawQuery } from '../platform/database.ts';
import { CHANGE_CHANNEL } from '../platform/triggers.ts';

/** Anything that runs a query: the database, or one transaction of it (`{ query }`). */
type Queryable = Pick<Database, 'query'>;

export interface LogPosition {
  /** Bumped when every handle must be invalidated (bulk load, schema change). */
  epoch: number;
  /** Entries with seq <= floor have been compacted away. */
  floor: number;
}

export async function logPosition(database: Queryable): Promise<LogPosition> {
  const rows = await database.query<{ key: string; value: string }>(
    `SELECT key, value FROM sync_counters WHERE key IN ('epoch', 'floor')`,
  );
  const get = (k: string) => Number(rows.find((r) => r.key === k)?.value ?? 0);
  return { epoch: get('epoch') || 1, floor: get('floor') };
}

/** The log position every committed change is at or below. */
export async function currentSeq(q: RawQuery): Promise<number> {
  const [row] = await q<{ head: string }>(
    `SELECT greatest(coalesce((SELECT max(seq) FROM change_log), 0), (SELECT value::bigint FROM sync_counters WHERE key = 'floor'))::text AS head`,
  );
  return Number(row?.head ?? 0);
}

/**
 * Wakes every held long-poll and makes the shape service re-read the epoch and floor: after a bulk
 * load, a compaction, or a change to a workstation's scope or standing.
 */
export async function notifyAll(database: Queryable): Promise<void> {
  await database.query(`SELECT pg_notify('${CHANGE_CHANNEL}', '*')`);
}

/** Every workstation re-snapshots every shape: after a bulk load that bypassed the log. */
export async function bumpEpoch(database: Queryable): Promise<void> {
  await database.query(`UPDATE sync_counters SET value = (value::bigint + 1)::text WHERE key = 'epoch'`);
  await notifyAll(database);
}

/**
 * Drops the log up to its newest entry older than `olderThan`: age alone decides, not whether some
 * workstation has yet to read those entries. A workstation whose offset falls below the new floor
 * (offline longer than the retention window) gets a 409 and re-snapshots.
 */
export async function compactChangeLog(
  database: Queryable,
  olderThan: Date,
): Promise<{ removed: number; floor: number }> {
  const [row] = await database.query<{ floor: string | null }>(
    `SELECT max(seq)::text AS floor FROM change_log WHERE created_at < $1`,
    [olderThan.toISOString()],
  );
  if (!row?.floor) return { removed: 0, floor: (await logPosition(database)).floor };
  const floor = Number(row.floor);
  // One statement, so no reader sees entries gone under a floor that has not moved yet.
  const removed = await database.query<{ n: string }>(
    `WITH f AS (UPDATE sync_counters SET value = $1 WHERE key = 'floor' AND value::bigint < $2),
          d AS (DELETE FROM change_log WHERE seq <= $2 RETURNING 1)
     SELECT count(*)::text AS n FROM d`,
    [String(floor), floor],
  );
  await notifyAll(database);
  return { removed: Number(removed[0]?.n ?? 0), floor };
}
