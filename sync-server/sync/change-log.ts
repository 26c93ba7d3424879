/**
 * The change log that feeds the shape endpoint.
 *
 * Triggers on every synced table append one `change_log` row per row change, so a change made by
 * plain SQL (an integration, a migration script) reaches workstations exactly like one made
 * through the API. Each logging transaction first takes one advisory lock and only then draws its
 * sequence numbers, so `seq` order is commit order: a reader that has seen seq N will never later
 * find a smaller seq appear.
 *
 * A BEFORE UPDATE trigger bumps `version` on every change, whoever makes it; conflict detection
 * compares the version a workstation saw with the current one.
 */
import { tablesIn } from '../../db/schema/index.ts';
import type { Database } from '../database.ts';

export const CHANGE_CHANNEL = 'hms_changes';
/** Arbitrary constant naming the change-log lock among the server's advisory locks. */
export const CHANGE_LOG_LOCK_KEY = 7_310_002;

const quote = (ident: string) => `"${ident.replaceAll('"', '""')}"`;

function installSql(): string {
  const tables = tablesIn('synced').map((t) => t.name);
  const perTable = tables
    .map(
      (t) => `
CREATE OR REPLACE TRIGGER hms_log_change AFTER INSERT OR UPDATE OR DELETE ON ${quote(t)}
  FOR EACH ROW EXECUTE FUNCTION hms_log_change();
CREATE OR REPLACE TRIGGER hms_bump_version BEFORE UPDATE ON ${quote(t)}
  FOR EACH ROW EXECUTE FUNCTION hms_bump_version();`,
    )
    .join('\n');
  return `
CREATE SEQUENCE IF NOT EXISTS change_log_seq AS bigint;

CREATE OR REPLACE FUNCTION hms_log_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  -- Bulk loads (the demo seed) skip the log and bump the epoch instead: every shape re-snapshots.
  IF current_setting('hms.skip_change_log', true) = 'on' THEN
    RETURN NULL;
  END IF;
  PERFORM pg_advisory_xact_lock(${CHANGE_LOG_LOCK_KEY});
  INSERT INTO change_log (seq, tx_id, table_name, row_id, operation, new_row, old_row)
  VALUES (
    nextval('change_log_seq'),
    pg_current_xact_id()::text::bigint,
    TG_TABLE_NAME,
    CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END,
    lower(TG_OP),
    CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE to_jsonb(NEW) END,
    CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE to_jsonb(OLD) END
  );
  -- Postgres folds identical payloads of one transaction into one notification.
  PERFORM pg_notify('${CHANGE_CHANNEL}', TG_TABLE_NAME);
  RETURN NULL;
END
$fn$;

CREATE OR REPLACE FUNCTION hms_bump_version() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  NEW.version := OLD.version + 1;
  IF NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at THEN
    NEW.updated_at := now();
  END IF;
  RETURN NEW;
END
$fn$;

INSERT INTO sync_counters (key, value) VALUES ('epoch', '1'), ('floor', '0') ON CONFLICT (key) DO NOTHING;
${perTable}
`;
}

/** Creates (or refreshes) the triggers on every synced table. Idempotent; run at every start. */
export async function installChangeLog(database: Database): Promise<void> {
  await database.exec(installSql());
}

export interface LogPosition {
  /** Bumped when every handle must be invalidated (bulk load, schema change). */
  epoch: number;
  /** Entries with seq <= floor have been compacted away. */
  floor: number;
}

export async function logPosition(database: Database): Promise<LogPosition> {
  const rows = await database.query<{ key: string; value: string }>(
    `SELECT key, value FROM sync_counters WHERE key IN ('epoch', 'floor')`,
  );
  const get = (k: string) => Number(rows.find((r) => r.key === k)?.value ?? 0);
  return { epoch: get('epoch') || 1, floor: get('floor') };
}

/**
 * Wakes every held long-poll and makes the shape service re-read the epoch and floor: after a bulk
 * load, a compaction, or a change to a workstation's scope or standing.
 */
export async function notifyAll(database: Database): Promise<void> {
  await database.query(`SELECT pg_notify('${CHANGE_CHANNEL}', '*')`);
}

/** Every workstation re-snapshots every shape: after a bulk load that bypassed the log. */
export async function bumpEpoch(database: Database): Promise<void> {
  await database.query(`UPDATE sync_counters SET value = (value::bigint + 1)::text WHERE key = 'epoch'`);
  await notifyAll(database);
}

/**
 * Drops log entries older than `olderThan`, keeping at least everything after the oldest position
 * a workstation could still resume from cheaply. A workstation whose offset falls below the new
 * floor gets a 409 and re-snapshots.
 */
export async function compactChangeLog(
  database: Database,
  olderThan: Date,
): Promise<{ removed: number; floor: number }> {
  const [row] = await database.query<{ floor: string | null }>(
    `SELECT max(seq)::text AS floor FROM change_log WHERE created_at < $1`,
    [olderThan.toISOString()],
  );
  if (!row?.floor) return { removed: 0, floor: (await logPosition(database)).floor };
  const floor = Number(row.floor);
  const removed = await database.query<{ n: string }>(
    `WITH d AS (DELETE FROM change_log WHERE seq <= $1 RETURNING 1) SELECT count(*)::text AS n FROM d`,
    [floor],
  );
  await database.query(`UPDATE sync_counters SET value = $1 WHERE key = 'floor' AND value::bigint < $2`, [
    String(floor),
    floor,
  ]);
  await notifyAll(database);
  return { removed: Number(removed[0]?.n ?? 0), floor };
}
