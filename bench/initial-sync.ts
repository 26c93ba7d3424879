/**
 * (a) Initial sync of the demo hospital into a fresh ADMIN workstation (every synced table; the sync
 * itself runs in bench/workstation-child.ts), against raw better-sqlite3 inserts of the same rows
 * into a fresh encrypted database with the same migrations (one transaction per table, one prepared
 * statement). Row counts are checked against Postgres.
 *
 * Both sides maintain the patient search index (migration 0002: triggers on `patients` feeding a
 * projection and two FTS5 tables). Its share is measured apart: the same patient rows inserted raw
 * once more into a database whose search triggers are dropped.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quoteIdent } from '../db/primitives/index.ts';
import { openLocalDatabase } from '../main/core/store/local-db.ts';
import type { Database } from '../sync-server/platform/database.ts';

export interface InitialSyncResult {
  workstationRows: number;
  serverRows: number;
  mismatches: { table: string; server: number; local: number }[];
  syncMs: number;
  syncRowsPerSec: number;
  rawMs: number;
  rawRowsPerSec: number;
  ratio: number;
  /** When each table's shape first reported up-to-date (ms after start), with its rows. */
  tables: { table: string; rows: number; upToDateAtMs: number | null; rawMs: number }[];
  /** The patient search index's cost on raw inserts of the patient rows. */
  searchIndex: {
    patients: number;
    rawWithIndexMs: number;
    rawWithoutIndexMs: number;
    /** Extra time per patient row. */
    perRowUs: number;
    /** That cost over all patients, as a share of the sync's wall time. */
    shareOfSync: number;
  };
}

export async function compareWithRaw(opts: {
  /** The workstation's (closed) database file and its key. */
  file: string;
  key: string;
  database: Database;
  tables: string[];
  syncMs: number;
  upToDateAtMs: Record<string, number>;
}): Promise<InitialSyncResult> {
  const { database, tables } = opts;
  const dir = mkdtempSync(join(tmpdir(), 'hms-bench-raw-'));
  const src = openLocalDatabase({ path: opts.file, key: opts.key });
  try {
    // Row counts on both sides (admin scope = every row of every synced table).
    const local = new Map<string, number>();
    for (const t of tables)
      local.set(
        t,
        (src.sqlite.prepare(`SELECT count(*) AS n FROM ${quoteIdent(t)}`).get() as { n: number }).n,
      );
    const mismatches: InitialSyncResult['mismatches'] = [];
    let serverRows = 0;
    for (const t of tables) {
      const [row] = await database.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${quoteIdent(t)}`);
      const n = row?.n ?? 0;
      serverRows += n;
      if (n !== local.get(t)) mismatches.push({ table: t, server: n, local: local.get(t) ?? 0 });
    }
    const workstationRows = [...local.values()].reduce((a, b) => a + b, 0);

    // Baseline: the same rows, read into memory (not timed), inserted raw into a fresh database.
    const insertAll = (
      dst: ReturnType<typeof openLocalDatabase>,
      t: string,
    ): { rows: number; ms: number } => {
      const select = src.sqlite.prepare(`SELECT * FROM ${quoteIdent(t)}`).raw(true);
      const cols = select.columns().map((c) => c.name);
      const rows = select.all() as unknown[][];
      const insert = dst.sqlite.prepare(
        `INSERT INTO ${quoteIdent(t)} (${cols.map(quoteIdent).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
      );
      const run = dst.sqlite.transaction((batch: unknown[][]) => {
        for (const r of batch) insert.run(r);
      });
      const t0 = performance.now();
      run(rows);
      return { rows: rows.length, ms: performance.now() - t0 };
    };
    const dst = openLocalDatabase({ path: join(dir, 'raw.db'), key: opts.key });
    const perTable: InitialSyncResult['tables'] = [];
    let rawMs = 0;
    try {
      for (const t of tables) {
        const { rows, ms } = insertAll(dst, t);
        rawMs += ms;
        perTable.push({ table: t, rows, upToDateAtMs: opts.upToDateAtMs[t] ?? null, rawMs: ms });
      }
    } finally {
      dst.close();
    }

    // The patient rows again, into a database without the search triggers.
    const bare = openLocalDatabase({ path: join(dir, 'bare.db'), key: opts.key });
    let rawWithoutIndexMs: number;
    try {
      const triggers = bare.sqlite
        .prepare(
          `SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'patients' AND name LIKE '%search%'`,
        )
        .all() as { name: string }[];
      if (triggers.length === 0) throw new Error('no patient search triggers found to drop');
      for (const { name } of triggers) bare.sqlite.exec(`DROP TRIGGER ${quoteIdent(name)}`);
      rawWithoutIndexMs = insertAll(bare, 'patients').ms;
    } finally {
      bare.close();
    }
    const patients = local.get('patients') ?? 0;
    const rawWithIndexMs = perTable.find((t) => t.table === 'patients')?.rawMs ?? Number.NaN;
    const extraMs = rawWithIndexMs - rawWithoutIndexMs;

    const syncRowsPerSec = workstationRows / (opts.syncMs / 1000);
    const rawRowsPerSec = workstationRows / (rawMs / 1000);
    perTable.sort((a, b) => b.rows - a.rows);
    return {
      workstationRows,
      serverRows,
      mismatches,
      syncMs: opts.syncMs,
      syncRowsPerSec,
      rawMs,
      rawRowsPerSec,
      ratio: syncRowsPerSec / rawRowsPerSec,
      tables: perTable,
      searchIndex: {
        patients,
        rawWithIndexMs,
        rawWithoutIndexMs,
        perRowUs: patients ? (extraMs * 1000) / patients : Number.NaN,
        shareOfSync: extraMs / opts.syncMs,
      },
    };
  } finally {
    src.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
