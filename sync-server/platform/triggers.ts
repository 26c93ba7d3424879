/**
 * The triggers every synced table carries, installed when the database is opened.
 *
 * The change log: triggers append one `change_log` row per row change, so a change made by plain
 * SQL (an integration, a migration script) reaches workstations exactly like one made through the
 * API. Each logging transaction first takes one advisory lock and only then draws its sequence
 * numbers, so `seq` order is commit order: a reader that has seen seq N will never later find a
 * smaller seq appear.
 *
 * A BEFORE UPDATE trigger bumps `version` on every change, whoever makes it. Conflicts are not
 * decided by it (each field is, by its base value and HLC: `conflict-rules.ts` `decideField`); the
 * version a workstation saw only tells an applied update from a merged one, and keeps a delete
 * from silently removing a row someone changed meanwhile.
 *
 * The audit log refuses UPDATE, DELETE and TRUNCATE (a statement trigger): its rows are only ever
 * appended, and the chain's HMAC (auth/audit.ts) shows if someone with the rights to lift that
 * trigger rewrote them anyway.
 *
 * Takes only something that runs a script, not the database module, which opens the database by
 * calling this.
 */
import { quoteIdent } from '../../db/primitives/index.ts';
import { tablesIn } from '../../db/schema/index.ts';
import { LOCK_KEYS } from './locks.ts';

/** The NOTIFY channel every change-log write signals on; the payload is the table name, `*` for all. */
export const CHANGE_CHANNEL = 'hms_changes';

function installSql(): string {
  const tables = tablesIn('synced').map((t) => t.name);
  const perTable = tables
    .map(
      (t) => `
CREATE OR REPLACE TRIGGER hms_log_change AFTER INSERT OR UPDATE OR DELETE ON ${quoteIdent(t)}
  FOR EACH ROW EXECUTE FUNCTION hms_log_change();
CREATE OR REPLACE TRIGGER hms_bump_version BEFORE UPDATE ON ${quoteIdent(t)}
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
  PERFORM pg_advisory_xact_lock(${LOCK_KEYS.changeLog});
  INSERT INTO change_log (seq, tx_id, table_name, row_id, operation, new_row, old_row, via)
  VALUES (
    nextval('change_log_seq'),
    pg_current_xact_id()::text::bigint,
    TG_TABLE_NAME,
    CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END,
    lower(TG_OP),
    CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE to_jsonb(NEW) END,
    CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE to_jsonb(OLD) END,
    nullif(current_setting('hms.via', true), '')
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

-- The audit trail is appended to, never changed: whoever connects, through the app or not.
CREATE OR REPLACE FUNCTION hms_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$fn$;
CREATE OR REPLACE TRIGGER hms_audit_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION hms_audit_append_only();

-- Grants decide which users' rows a PC holds (sync/scopes.ts USERS_HERE): their changes are logged
-- too, so a first sign-in moves that user's notifications and tasks in.
CREATE OR REPLACE TRIGGER hms_log_change AFTER INSERT OR UPDATE OR DELETE ON authoring_grants
  FOR EACH ROW EXECUTE FUNCTION hms_log_change();

INSERT INTO sync_counters (key, value) VALUES ('epoch', '1'), ('floor', '0') ON CONFLICT (key) DO NOTHING;
${perTable}
`;
}

/** Creates (or refreshes) the triggers on every synced table. Idempotent; run at every start. */
export async function installTriggers(database: { exec(sql: string): Promise<void> }): Promise<void> {
  await database.exec(installSql());
}
