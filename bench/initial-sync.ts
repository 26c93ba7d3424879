/**
 * (a) Initial sync of the demo hospital into a fresh ADMIN workstation (every synced table), against
 * raw better-sqlite3 inserts of the same rows into a fresh encrypted database with the same
 * migrations (one transaction per table, one prepared statement).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLocalDatabase } from '../main/core/store/local-db.ts';
import { quoteIdent } from '../main/core/store/tables.ts';
import { startWorkstation } from '../main/core/workstation.ts';
import type { Database } from '../sync-server/platform/database.ts';
import type { BenchClient } from './http.ts';
import type { CpuProfiler } from './profile.ts';
import { sleep } from './stats.ts';

const KEY = 'bench-key-0123456789abcdef';

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
}

export async function benchInitialSync(opts: {
  client: BenchClient;
  database: Database;
  timeoutMs: number;
  profiler?: CpuProfiler | undefined;
  log: (line: string) => void;
}): Promise<InitialSyncResult> {
  const { client, database, log } = opts;
  const dir = mkdtempSync(join(tmpdir(), 'hms-bench-a-'));
  try {
    const code = await client.createWorkstation('Bench admin PC', 'admin');
    await opts.profiler?.start();
    const started = performance.now();
    const ws = await startWorkstation({
      server: client.url,
      dataDir: join(dir, 'ws'),
      key: KEY,
      enrollmentCode: code,
      log: (l) => log(`  [ws] ${l}`),
    });
    const sqlite = ws.query.sqlite;
    const tables = ws.status().tables;
    if (tables.length === 0) throw new Error('the admin workstation got an empty scope');
    const upToDateAt = new Map<string, number>();
    const positions = sqlite.prepare(
      'SELECT table_name AS t FROM shape_positions WHERE up_to_date_at IS NOT NULL',
    );
    let lastReport = performance.now();
    for (;;) {
      const now = performance.now();
      for (const r of positions.all() as { t: string }[])
        if (!upToDateAt.has(r.t)) upToDateAt.set(r.t, now - started);
      if (tables.every((t) => upToDateAt.has(t))) break;
      if (now - started > opts.timeoutMs)
        throw new Error(
          `initial sync not done after ${opts.timeoutMs} ms; waiting for ${tables.filter((t) => !upToDateAt.has(t)).join(', ')}`,
        );
      if (now - lastReport > 15_000) {
        lastReport = now;
        log(
          `  (a) ${Math.round((now - started) / 1000)} s: ${upToDateAt.size}/${tables.length} tables up to date${ws.status().lastError ? `; last error: ${ws.status().lastError}` : ''}`,
        );
      }
      await sleep(20);
    }
    const syncMs = performance.now() - started;
    await opts.profiler?.stop('initial-sync-workstation');
    await ws.stop();

    // Row counts on both sides (admin scope = every row of every synced table).
    const src = openLocalDatabase({ path: join(dir, 'ws', 'workstation.db'), key: KEY });
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
    const dst = openLocalDatabase({ path: join(dir, 'raw.db'), key: KEY });
    const perTable: InitialSyncResult['tables'] = [];
    let rawMs = 0;
    for (const t of tables) {
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
      const ms = performance.now() - t0;
      rawMs += ms;
      perTable.push({ table: t, rows: rows.length, upToDateAtMs: upToDateAt.get(t) ?? null, rawMs: ms });
    }
    dst.close();
    src.close();
    const syncRowsPerSec = workstationRows / (syncMs / 1000);
    const rawRowsPerSec = workstationRows / (rawMs / 1000);
    perTable.sort((a, b) => b.rows - a.rows);
    return {
      workstationRows,
      serverRows,
      mismatches,
      syncMs,
      syncRowsPerSec,
      rawMs,
      rawRowsPerSec,
      ratio: syncRowsPerSec / rawRowsPerSec,
      tables: perTable,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
