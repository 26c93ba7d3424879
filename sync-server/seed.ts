/**
 * Loads the demo hospital of `db/seed` into the server's database (real Postgres or PGlite).
 *
 * Rows stream from the generator in foreign-key order and go in as one multi-row INSERT per batch
 * through `json_populate_recordset`: a single JSON parameter per statement, so no 65,535-parameter
 * limit and no per-row round trip. The whole seed is one transaction (all or nothing), and the
 * next batch is generated while Postgres inserts the previous one.
 */
import { getTableColumns } from 'drizzle-orm';
import { quoteIdent } from '../db/primitives/index.ts';
import { ROLE_NAMES, type RoleName } from '../db/schema/accounts.ts';
import type { ColumnMeta } from '../db/schema/dsl.ts';
import {
  DEFAULT_REFERENCE_DATE,
  demoPassword,
  demoUsername,
  generateHospital,
  SEED_TABLE_ORDER,
  SEED_TABLES,
  type SeedBatch,
  type SeedTableName,
  staffPlan,
} from '../db/seed/generate.ts';
import { hashPassword } from './auth/passwords.ts';
import type { Database, RawQuery } from './platform/database.ts';
import { bumpEpoch } from './sync/change-log.ts';

export interface SeedOptions {
  /** Number of patients (default 500). */
  patients?: number;
  /** PRNG seed (default 1): the same seed gives the same hospital. */
  seed?: number;
  referenceDate?: string;
  /** Rows per INSERT statement (default 1000). */
  batchRows?: number;
  /**
   * Bulk load: foreign-key triggers off during the load (`session_replication_role = replica`,
   * superuser only), every key then checked with one anti-join per column before commit. Default:
   * on when the database user is a superuser. Off, Postgres checks each row as it goes in.
   */
  bulk?: boolean;
  /** Bulk loads of at least this many patients rebuild secondary indexes after the load (default 20,000). */
  rebuildIndexesFrom?: number;
  /** Called after each batch is inserted with the running row total. */
  onProgress?: (rowsInserted: number, table: SeedTableName) => void;
}

export interface SeedSummary {
  patients: number;
  seed: number;
  counts: Partial<Record<SeedTableName, number>>;
  totalRows: number;
  elapsedMs: number;
  /** Whether the bulk path (see `SeedOptions.bulk`) was taken. */
  bulk: boolean;
}

export class SeedRefusedError extends Error {
  override name = 'SeedRefusedError';
}

interface TablePlan {
  /** `INSERT INTO "t" ("a", …) SELECT "a", … FROM json_populate_recordset(NULL::"t", $1::json)` */
  statement: string;
  /** Columns with a literal default: json_populate_recordset gives NULL for a missing key, not the default. */
  defaults: [string, unknown][];
  /** Foreign keys (column → referenced table), for the check after a bulk load. */
  references: [string, string][];
}

function planFor(table: SeedTableName): TablePlan {
  const model = SEED_TABLES[table];
  const columns: Record<string, ColumnMeta> = model.columns;
  const cols = Object.keys(columns).map(quoteIdent).join(', ');
  const t = quoteIdent(model.name);
  const defaults: [string, unknown][] = [];
  for (const [key, column] of Object.entries(getTableColumns(model.pg))) {
    const value: unknown = column.default;
    if (column.hasDefault && value !== undefined && (typeof value !== 'object' || value === null))
      defaults.push([key, value]);
  }
  const references: [string, string][] = [];
  for (const [key, meta] of Object.entries(columns))
    if (meta.references) references.push([key, meta.references]);
  return {
    statement: `INSERT INTO ${t} (${cols}) SELECT ${cols} FROM json_populate_recordset(NULL::${t}, $1::json)`,
    defaults,
    references,
  };
}

/** Refuses to seed twice: a database with patients, or with any of the demo log-ins, is left alone. */
async function assertEmpty(database: Database, patients: number): Promise<void> {
  const [row] = await database.query<{ n: string | number }>('SELECT count(*) AS n FROM patients');
  const existing = Number(row?.n ?? 0);
  if (existing > 0) {
    throw new SeedRefusedError(
      `the database already holds ${existing} patients; demo data goes into an empty database only`,
    );
  }
  const plan = staffPlan(patients);
  const usernames = ROLE_NAMES.flatMap((role) =>
    Array.from({ length: plan[role] }, (_, i) => demoUsername(role, i + 1)),
  );
  const taken = await database.query<{ username: string }>(
    'SELECT username FROM users WHERE username = ANY($1::text[])',
    [usernames],
  );
  if (taken.length > 0) {
    throw new SeedRefusedError(
      `demo users already exist (${taken.map((u) => u.username).join(', ')}); seed an empty database`,
    );
  }
}

/** Tables that grow with the patient count (everything the generator yields per patient). */
const PER_PATIENT_TABLES = SEED_TABLE_ORDER.slice(SEED_TABLE_ORDER.indexOf('patients'));

/** Drops the non-primary-key indexes of the per-patient tables; returns the statements that rebuild them. */
async function dropIndexes(query: RawQuery): Promise<string[]> {
  const indexes = await query<{ name: string; def: string }>(
    `SELECT i.indexname AS name, i.indexdef AS def FROM pg_indexes i
      WHERE i.schemaname = current_schema() AND i.tablename = ANY($1::text[])
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname AND c.contype IN ('p', 'u', 'x'))`,
    [PER_PATIENT_TABLES],
  );
  for (const ix of indexes) await query(`DROP INDEX ${quoteIdent(ix.name)}`);
  return indexes.map((ix) => ix.def);
}

async function isSuperuser(database: Database): Promise<boolean> {
  const [row] = await database.query<{ rolsuper: boolean }>(
    'SELECT rolsuper FROM pg_roles WHERE rolname = current_user',
  );
  return row?.rolsuper === true;
}

/** After a bulk load: every foreign key of every seeded table resolves (one anti-join per key). */
async function verifyReferences(query: RawQuery, plans: Map<SeedTableName, TablePlan>): Promise<void> {
  const broken: string[] = [];
  for (const [table, plan] of plans) {
    for (const [column, target] of plan.references) {
      const [row] = await query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${quoteIdent(table)} c WHERE c.${quoteIdent(column)} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${quoteIdent(target)} p WHERE p.id = c.${quoteIdent(column)})`,
      );
      if ((row?.n ?? 0) > 0) broken.push(`${table}.${column} → ${target}: ${row?.n} unresolved`);
    }
  }
  if (broken.length > 0)
    throw new Error(`demo data has dangling references (rolled back): ${broken.join('; ')}`);
}

export async function seedDemo(database: Database, opts: SeedOptions = {}): Promise<SeedSummary> {
  const started = performance.now();
  const patients = Math.max(0, Math.floor(opts.patients ?? 500));
  const seed = opts.seed ?? 1;
  await assertEmpty(database, patients);

  // Roles are the server's (bootstrap makes them); reuse their ids, let the generator add any missing.
  const roleRows = await database.query<{ id: string; name: RoleName }>('SELECT id, name FROM roles');
  const roleIds: Partial<Record<RoleName, string>> = {};
  for (const r of roleRows) roleIds[r.name] = r.id;

  // argon2 is deliberately slow: one hash per distinct demo password, shared by that role's users.
  const hashes = await Promise.all(ROLE_NAMES.map((role) => hashPassword(demoPassword(role))));
  const passwordHashes: Partial<Record<RoleName, string>> = {};
  ROLE_NAMES.forEach((role, i) => {
    passwordHashes[role] = hashes[i]!;
  });

  const plans = new Map<SeedTableName, TablePlan>(SEED_TABLE_ORDER.map((t) => [t, planFor(t)]));
  const counts: Partial<Record<SeedTableName, number>> = {};
  let totalRows = 0;

  const batches = generateHospital({
    patients,
    seed,
    referenceDate: opts.referenceDate ?? DEFAULT_REFERENCE_DATE,
    roleIds,
    passwordHashes,
    batchRows: opts.batchRows ?? 1000,
  });

  const bulk = opts.bulk ?? (await isSuperuser(database));
  await database.transaction(async (query) => {
    // The change log's triggers skip bulk loads; the epoch bump below makes every shape re-snapshot.
    await query(`SELECT set_config('hms.skip_change_log', 'on', true)`);
    // Bulk: no per-row triggers, so no per-row foreign-key probes; checked once per key below.
    if (bulk) await query(`SET LOCAL session_replication_role = replica`);
    // Large bulk loads: secondary indexes of the per-patient tables are dropped and rebuilt once at
    // the end (a sorted build beats millions of incremental inserts). A rebuilt unique index still
    // refuses duplicates, so nothing goes unchecked.
    const rebuild = bulk && patients >= (opts.rebuildIndexesFrom ?? 20_000) ? await dropIndexes(query) : [];
    let inFlight: Promise<unknown> | undefined;
    for (const batch of batches as Iterable<SeedBatch>) {
      const plan = plans.get(batch.table)!;
      const rows = batch.rows as unknown as Record<string, unknown>[];
      if (plan.defaults.length > 0) {
        for (const row of rows)
          for (const [key, value] of plan.defaults) if (row[key] === undefined) row[key] = value;
      }
      const json = JSON.stringify(rows);
      // One statement in flight at a time (a transaction is one connection); the generator prepares
      // the next batch meanwhile.
      if (inFlight) await inFlight;
      const p = query(plan.statement, [json]);
      // Rejections are observed when awaited; this keeps Node from calling them unhandled meanwhile.
      p.catch(() => {});
      inFlight = p;
      counts[batch.table] = (counts[batch.table] ?? 0) + rows.length;
      totalRows += rows.length;
      opts.onProgress?.(totalRows, batch.table);
    }
    if (inFlight) await inFlight;
    for (const def of rebuild) await query(def);
    if (bulk) {
      await query(`SET LOCAL session_replication_role = origin`);
      await verifyReferences(query, plans);
    }
  });
  await bumpEpoch(database).catch(() => {});

  return { patients, seed, counts, totalRows, bulk, elapsedMs: Math.round(performance.now() - started) };
}
