/**
 * A damaged local database, moved aside and replaced: the damaged file (with its WAL) goes into
 * `<data>/damaged-<time>/` untouched, a fresh database is created in its place with what can still be
 * read of the PC's own state (its enrolment, its number counters, its users' offline sign-ins and
 * the outbox), and the next start downloads everything else again. Unsent work that was read whole
 * goes up as before; a unit of work of which some entry could not be read is held back whole
 * (never sent in part) and listed by id in the report beside the damaged file.
 */
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { quoteIdent, type Row } from '../../../db/primitives/index.ts';
import { DATABASE_FILE } from '../key-file.ts';
import { applyKey, openLocalDatabase } from './local-db.ts';
import { Outbox, type OutboxEntry } from './outbox.ts';
import { syncedTableInfo } from './tables.ts';

/** The PC's own state, copied over; everything in synced tables comes back from the server. */
const KEPT_TABLES = ['workstation_settings', 'number_sequences', 'offline_users', 'outbox'] as const;

export interface SalvageReport {
  /** Where the damaged database now is (kept for IT, never deleted by the app). */
  movedTo: string;
  /** Rows read back, by table; `damaged` lists the tables where some rows could not be read. */
  rows: Record<string, number>;
  damaged: string[];
  /** Unsent writes queued again in the fresh database. */
  requeued: number;
  /** Unsent writes held back because their unit of work is incomplete (ids only). */
  heldBack: { id: string; tx_id: string; table_name: string; seq: number }[];
}

/** Every row of `table` that can still be read: all at once, else one rowid at a time. */
function readable(db: Database.Database, table: string): { rows: Row[]; complete: boolean } {
  const t = quoteIdent(table);
  try {
    return { rows: db.prepare(`SELECT * FROM ${t}`).all() as Row[], complete: true };
  } catch {
    // A damaged page: probe row by row so one bad page costs only its own rows.
  }
  let max = 100_000;
  try {
    max =
      Number((db.prepare(`SELECT max(rowid) AS m FROM ${t}`).get() as { m: number | null }).m ?? 0) || max;
  } catch {
    // the b-tree's right edge is damaged too: probe the default range
  }
  const one = db.prepare(`SELECT * FROM ${t} WHERE rowid = ?`);
  const rows: Row[] = [];
  for (let id = 1; id <= max; id++) {
    try {
      const r = one.get(id) as Row | undefined;
      if (r) rows.push(r);
    } catch {
      // this row's page is damaged
    }
  }
  return { rows, complete: false };
}

/**
 * Pending entries whose unit may have lost an entry: the units on either side of a gap in the
 * pending seq range (seq is gap-free there: acknowledged entries, the only ones pruned, come first).
 */
export function unitsTouchingGaps(pending: readonly Pick<OutboxEntry, 'seq' | 'tx_id'>[]): Set<string> {
  const sorted = [...pending].sort((a, b) => a.seq - b.seq);
  const suspect = new Set<string>();
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1] as (typeof sorted)[number];
    const next = sorted[i] as (typeof sorted)[number];
    if (next.seq - prev.seq > 1) {
      suspect.add(prev.tx_id);
      suspect.add(next.tx_id);
    }
  }
  return suspect;
}

export function moveAsideDamaged(opts: {
  dataDir: string;
  key: string;
  migrationsDir?: string;
}): SalvageReport {
  const file = join(opts.dataDir, DATABASE_FILE);
  if (!existsSync(file)) throw new Error(`there is no database to move aside in ${opts.dataDir}`);
  const movedTo = join(opts.dataDir, `damaged-${new Date().toISOString().replaceAll(':', '-')}`);
  mkdirSync(movedTo, { mode: 0o700 });
  for (const suffix of ['', '-wal', '-shm'])
    if (existsSync(file + suffix)) renameSync(file + suffix, join(movedTo, DATABASE_FILE + suffix));

  const old = new Database(join(movedTo, DATABASE_FILE), { fileMustExist: true });
  const salvaged = new Map<string, Row[]>();
  const damaged: string[] = [];
  try {
    applyKey(old, opts.key);
    old.pragma('locking_mode = EXCLUSIVE');
    for (const table of KEPT_TABLES) {
      const { rows, complete } = readable(old, table);
      salvaged.set(table, rows);
      if (!complete) damaged.push(table);
    }
  } finally {
    old.close();
  }

  const outboxRows = (salvaged.get('outbox') ?? []) as unknown as OutboxEntry[];
  const pending = outboxRows.filter((e) => e.status === 'pending');
  const suspect = damaged.includes('outbox') ? unitsTouchingGaps(pending) : new Set<string>();
  const heldBack = pending
    .filter((e) => suspect.has(e.tx_id))
    .map(({ id, tx_id, table_name, seq }) => ({ id, tx_id, table_name, seq }));
  const held = new Set(heldBack.map((e) => e.id));

  const fresh = openLocalDatabase({
    path: file,
    key: opts.key,
    ...(opts.migrationsDir ? { migrationsDir: opts.migrationsDir } : {}),
  });
  let requeued = 0;
  try {
    const db = fresh.sqlite;
    db.transaction(() => {
      for (const table of KEPT_TABLES) {
        const columns = new Set(
          (db.pragma(`table_info(${quoteIdent(table)})`) as { name: string }[]).map((c) => c.name),
        );
        for (const row of salvaged.get(table) ?? []) {
          if (table === 'outbox' && held.has(String(row.id))) continue;
          const cols = Object.keys(row).filter((c) => columns.has(c));
          db.prepare(
            `INSERT OR IGNORE INTO ${quoteIdent(table)} (${cols.map(quoteIdent).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
          ).run(...cols.map((c) => row[c]));
        }
      }
      // Unsent work shows again at once, where its rows can stand on their own (a row whose parent
      // is not here yet appears when the server sends both back).
      const outbox = new Outbox(db);
      for (const e of pending.filter((p) => !held.has(p.id)).sort((a, b) => a.seq - b.seq)) {
        requeued++;
        const info = syncedTableInfo(e.table_name);
        if (!info) continue;
        try {
          db.transaction(() => outbox.reapply(info, [e]))();
        } catch {
          // uploaded all the same; the row comes back with the download
        }
      }
    })();
  } finally {
    fresh.close();
  }

  const report: SalvageReport = {
    movedTo,
    rows: Object.fromEntries([...salvaged].map(([t, rows]) => [t, rows.length])),
    damaged,
    requeued,
    heldBack,
  };
  writeFileSync(join(movedTo, 'salvage-report.json'), `${JSON.stringify(report, null, 2)}\n`, {
    mode: 0o600,
  });
  return report;
}
