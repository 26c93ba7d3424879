/**
 * Applies shape batches to local SQLite: each batch in ONE transaction together with the shape's
 * new handle and offset, so a crash leaves either both or neither and a restart resumes without a
 * re-snapshot. Pending local writes are re-applied on top of the rows the server delivered.
 *
 * `must-refetch` never empties a table (a ward PC must keep working if the network dies during the
 * re-snapshot): rows re-delivered are marked in `refetch_marks`, and at the next up-to-date the rows
 * not re-delivered (and without pending local writes) are swept. A row this PC wrote and the server
 * acknowledged lately may have committed after the snapshot's position: it comes with the log right
 * after, so it is spared until the following up-to-date ("settling") and swept then only if the log
 * did not bring it either. Nothing the user wrote disappears, even for a moment.
 */
import type Database from 'better-sqlite3';
import { v7 as uuidv7 } from 'uuid';
import { quoteIdent, type Row } from '../../../db/primitives/index.ts';
import { ACKED_ROW_IDS, type Outbox, PENDING_ROW_IDS } from '../store/outbox.ts';
import { type SqlValue, type TableInfo, toSqlite } from '../store/tables.ts';

/** The subset of `@electric-sql/client` messages the applier reads. */
export type ShapeMessage =
  | { key: string; value: Record<string, unknown>; headers: { operation: 'insert' | 'update' | 'delete' } }
  | { headers: { control: string } }
  | { headers: Record<string, unknown> };

export interface ShapePosition {
  handle: string | null;
  offset: string | null;
  upToDateAt: string | null;
  /** Re-delivered rows are being marked (a must-refetch is under way). */
  refetching: boolean;
  /** The snapshot is in; rows this PC wrote lately are spared until the log after it is in too. */
  settling: boolean;
}

/** `shape_positions.refetching`: 0 none, 1 re-snapshot under way, 2 settling. */
const stateOf = (p: { refetching: boolean; settling: boolean }) => (p.refetching ? (p.settling ? 2 : 1) : 0);

export interface ApplyResult {
  /** Rows were inserted, changed or deleted. */
  changed: boolean;
  upToDate: boolean;
  mustRefetch: boolean;
  /** Change messages skipped (unknown row id, an update for an absent row lacking required columns). */
  skipped: number;
  /** The newest server time (`updated_at`) among the rows received: the PC's clock moves past it. */
  latestUpdatedAt: string | null;
}

interface Prepared {
  stmt: Database.Statement;
  cols: string[];
  metas: (TableInfo['columns'] extends ReadonlyMap<string, infer M> ? M : never)[];
  hasId: boolean;
}

/** The row id of a change message: `value.id`, else the last segment of the Electric key. */
function rowIdOf(key: string, value: Record<string, unknown>): string | null {
  if (typeof value.id === 'string') return value.id;
  const m = /\/"?([^"/]+)"?$/.exec(key);
  return m?.[1] ?? null;
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export class ShapeApplier {
  private readonly inserts = new Map<string, Prepared>();
  /** The statement used for the previous row, per cache: consecutive rows usually share columns. */
  private readonly lastPrepared = new Map<Map<string, Prepared>, { keys: string[]; p: Prepared }>();
  private readonly updates = new Map<string, Prepared>();
  private readonly deleteStmt: Database.Statement<[string]>;
  private readonly markStmt: Database.Statement<[string, string, string, string]>;
  private readonly clearMarksStmt: Database.Statement<[string]>;
  private readonly sweepStmt: Database.Statement<[{ t: string }]>;
  private readonly sweepSparingStmt: Database.Statement<[{ t: string }]>;
  private readonly sparedStmt: Database.Statement<[{ t: string }], { n: number }>;
  private readonly positionStmt: Database.Statement<[string], Row>;
  private readonly savePositionStmt: Database.Statement;
  private position: ShapePosition;

  constructor(
    private readonly sqlite: Database.Database,
    private readonly info: TableInfo,
    private readonly outbox: Outbox,
  ) {
    const t = quoteIdent(info.name);
    this.deleteStmt = sqlite.prepare(`DELETE FROM ${t} WHERE "id" = ?`);
    this.markStmt = sqlite.prepare(
      'INSERT OR IGNORE INTO refetch_marks (id, created_at, table_name, row_id) VALUES (?, ?, ?, ?)',
    );
    this.clearMarksStmt = sqlite.prepare('DELETE FROM refetch_marks WHERE table_name = ?');
    // Rows with pending local writes survive the sweep: the user's unacknowledged work stays visible.
    this.sweepStmt = sqlite.prepare(
      `DELETE FROM ${t} WHERE "id" NOT IN (SELECT row_id FROM refetch_marks WHERE table_name = @t)
         AND "id" NOT IN (${PENDING_ROW_IDS})`,
    );
    const unmarkedAcked = `"id" NOT IN (SELECT row_id FROM refetch_marks WHERE table_name = @t)
         AND "id" IN (${ACKED_ROW_IDS})`;
    this.sweepSparingStmt = sqlite.prepare(
      `DELETE FROM ${t} WHERE "id" NOT IN (SELECT row_id FROM refetch_marks WHERE table_name = @t)
         AND "id" NOT IN (${PENDING_ROW_IDS}) AND "id" NOT IN (${ACKED_ROW_IDS})`,
    );
    this.sparedStmt = sqlite.prepare(`SELECT COUNT(*) AS n FROM ${t} WHERE ${unmarkedAcked}`);
    this.positionStmt = sqlite.prepare(
      'SELECT handle, "offset", up_to_date_at, refetching FROM shape_positions WHERE table_name = ?',
    );
    this.savePositionStmt = sqlite.prepare(
      `INSERT INTO shape_positions (id, created_at, table_name, handle, "offset", up_to_date_at, refetching)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(table_name) DO UPDATE SET handle = excluded.handle, "offset" = excluded."offset",
         up_to_date_at = COALESCE(excluded.up_to_date_at, shape_positions.up_to_date_at),
         refetching = excluded.refetching`,
    );
    this.position = this.loadPosition();
  }

  /**
   * The table left this PC's scope (re-scoped by an admin): its rows go, so a PC never keeps data it
   * is no longer entitled to, and so does its position; rows with unacknowledged local writes stay
   * until they are sent.
   */
  forget(): void {
    const name = this.info.name;
    this.sqlite.transaction(() => {
      this.sqlite
        .prepare(`DELETE FROM ${quoteIdent(name)} WHERE "id" NOT IN (${PENDING_ROW_IDS})`)
        .run({ t: name });
      this.sqlite.prepare('DELETE FROM shape_positions WHERE table_name = ?').run(name);
      this.clearMarksStmt.run(name);
    })();
    this.position = { handle: null, offset: null, upToDateAt: null, refetching: false, settling: false };
  }

  /** Where the shape stands, as last committed. */
  loadPosition(): ShapePosition {
    const r = this.positionStmt.get(this.info.name);
    this.position = {
      handle: typeof r?.handle === 'string' ? r.handle : null,
      offset: typeof r?.offset === 'string' ? r.offset : null,
      upToDateAt: typeof r?.up_to_date_at === 'string' ? r.up_to_date_at : null,
      refetching: r?.refetching === 1 || r?.refetching === 2,
      settling: r?.refetching === 2,
    };
    return this.position;
  }

  /**
   * Applies one delivered batch and records `handle`/`offset` (those of the batch) in the same
   * transaction. Throws if the transaction fails (nothing is then changed, position included).
   */
  apply(
    messages: readonly ShapeMessage[],
    handle: string | null | undefined,
    offset: string | null | undefined,
  ): ApplyResult {
    const result: ApplyResult = {
      changed: false,
      upToDate: false,
      mustRefetch: false,
      skipped: 0,
      latestUpdatedAt: null,
    };
    const touched = new Set<string>();
    const now = new Date().toISOString();
    // A shape batch can always be fetched again (its position commits with it, or not at all), so
    // its commit need not wait for the disk: twenty PCs woken by one change otherwise queue at the
    // disk together (a third of bench (b)'s write → visible time). The next local write's commit
    // (synchronous FULL) makes these durable with it; a power cut before that only rolls batches back.
    const durability = this.sqlite.pragma('synchronous', { simple: true });
    this.sqlite.pragma('synchronous = NORMAL');
    try {
      this.applyInTransaction(messages, handle, offset, result, touched, now);
    } finally {
      this.sqlite.pragma(`synchronous = ${Number(durability)}`);
    }
    return result;
  }

  private applyInTransaction(
    messages: readonly ShapeMessage[],
    handle: string | null | undefined,
    offset: string | null | undefined,
    result: ApplyResult,
    touched: Set<string>,
    now: string,
  ): void {
    const name = this.info.name;
    let refetching = this.position.refetching;
    let settling = this.position.settling;
    this.sqlite.transaction(() => {
      for (const m of messages) {
        const h = m.headers as Record<string, unknown>;
        const control = h.control;
        if (control === 'up-to-date') {
          result.upToDate = true;
          continue;
        }
        if (control === 'must-refetch') {
          result.mustRefetch = true;
          refetching = true;
          settling = false;
          this.clearMarksStmt.run(name);
          continue;
        }
        const op = h.operation;
        if (op !== 'insert' && op !== 'update' && op !== 'delete') continue;
        const { key, value } = m as { key: string; value: Record<string, unknown> };
        if (typeof value !== 'object' || value === null) {
          result.skipped++;
          continue;
        }
        const id = rowIdOf(key, value);
        if (!id) {
          result.skipped++;
          continue;
        }
        if (op === 'delete') {
          this.deleteStmt.run(id);
        } else if (op === 'insert') {
          this.upsertFull(value, id);
        } else if (!this.updateCols(value, id)) {
          if (!this.insertPartial(value, id)) {
            result.skipped++;
            continue;
          }
        }
        const at = value.updated_at;
        if (typeof at === 'string' && (result.latestUpdatedAt === null || at > result.latestUpdatedAt))
          result.latestUpdatedAt = at;
        if (refetching && op !== 'delete') this.markStmt.run(uuidv7(), now, name, id);
        touched.add(id);
        result.changed = true;
      }
      if (result.upToDate && refetching) {
        const sweep = settling ? this.sweepStmt : this.sweepSparingStmt;
        if (sweep.run({ t: name }).changes > 0) result.changed = true;
        // After the snapshot, rows written here lately wait for the log that follows it (one more
        // up-to-date); after that, whatever is still unmarked goes.
        settling = !settling && (this.sparedStmt.get({ t: name })?.n ?? 0) > 0;
        if (!settling) {
          this.clearMarksStmt.run(name);
          refetching = false;
        }
      }
      if (touched.size > 0 && this.outbox.hasPending(name)) {
        const pending = this.outbox.pendingFor(name, touched);
        if (pending.length > 0) this.outbox.reapply(this.info, pending);
      }
      const h = handle ?? this.position.handle;
      const o = offset ?? this.position.offset;
      this.savePositionStmt.run(
        uuidv7(),
        now,
        name,
        h,
        o,
        result.upToDate ? now : null,
        stateOf({ refetching, settling }),
      );
    })();
    this.position = {
      handle: handle ?? this.position.handle,
      offset: offset ?? this.position.offset,
      upToDateAt: result.upToDate ? now : this.position.upToDateAt,
      refetching,
      settling,
    };
  }

  private prepared(
    cache: Map<string, Prepared>,
    value: Record<string, unknown>,
    build: (cols: string[]) => string,
  ): Prepared {
    const keys = Object.keys(value);
    const last = this.lastPrepared.get(cache);
    if (last && sameKeys(last.keys, keys)) return last.p;
    const cacheKey = keys.join(',');
    let p = cache.get(cacheKey);
    if (!p) {
      // Only known columns reach SQL: a column name never comes from the wire unchecked.
      const cols = keys.filter((k) => this.info.columns.has(k));
      p = {
        stmt: this.sqlite.prepare(build(cols)),
        cols,
        metas: cols.map((c) => this.info.columns.get(c) as Prepared['metas'][number]),
        hasId: cols.includes('id'),
      };
      cache.set(cacheKey, p);
    }
    this.lastPrepared.set(cache, { keys, p });
    return p;
  }

  private upsertFull(value: Record<string, unknown>, id: string) {
    const p = this.prepared(this.inserts, value, (cols) => {
      const all = cols.includes('id') ? cols : ['id', ...cols];
      // REPLACE: the server's row is the truth; a stale local row holding one of its unique keys goes.
      return `INSERT OR REPLACE INTO ${quoteIdent(this.info.name)} (${all.map(quoteIdent).join(', ')}) VALUES (${all.map(() => '?').join(', ')})`;
    });
    // The hot path of an initial sync (millions of rows): arguments built in one pass, no spread.
    const hasId = p.hasId;
    const n = p.cols.length;
    const args: SqlValue[] = new Array(hasId ? n : n + 1);
    let j = 0;
    if (!hasId) args[j++] = id;
    for (let i = 0; i < n; i++) args[j++] = toSqlite(p.metas[i], value[p.cols[i] as string]);
    p.stmt.run(args);
  }

  /** Updates the given columns; false when the row is absent. */
  private updateCols(value: Record<string, unknown>, id: string): boolean {
    const t = quoteIdent(this.info.name);
    const p = this.prepared(this.updates, value, (cols) => {
      const set = cols.filter((c) => c !== 'id');
      if (set.length === 0) return `SELECT COUNT(*) AS n FROM ${t} WHERE "id" = ?`;
      return `UPDATE ${t} SET ${set.map((c) => `${quoteIdent(c)} = ?`).join(', ')} WHERE "id" = ?`;
    });
    const setCols = p.cols.filter((c) => c !== 'id');
    if (setCols.length === 0) {
      const r = p.stmt.get(id) as { n: number } | undefined;
      return (r?.n ?? 0) > 0;
    }
    const args: SqlValue[] = [];
    for (let i = 0; i < p.cols.length; i++) {
      if (p.cols[i] !== 'id') args.push(toSqlite(p.metas[i], value[p.cols[i] as string]));
    }
    return p.stmt.run(...args, id).changes > 0;
  }

  /** An update for a row we do not hold: insert what we were given, if that makes a valid row. */
  private insertPartial(value: Record<string, unknown>, id: string): boolean {
    try {
      this.upsertFull(value, id);
      return true;
    } catch {
      return false;
    }
  }
}

/** When the shapes last caught up with the server (the most recent up-to-date of any table). */
/** Of `tables`, how many have caught up at least once (the first download's progress). */
/** Which of `tables` have caught up at least once (their first download is complete). */
export function tablesCaughtUp(sqlite: Database.Database, tables: readonly string[]): Set<string> {
  if (tables.length === 0) return new Set();
  const rows = sqlite
    .prepare(
      `SELECT table_name AS t FROM shape_positions
       WHERE up_to_date_at IS NOT NULL AND table_name IN (${tables.map(() => '?').join(', ')})`,
    )
    .all(...tables) as { t: string }[];
  return new Set(rows.map((r) => r.t));
}

export function lastCaughtUpAt(sqlite: Database.Database): string | null {
  return (sqlite.prepare('SELECT MAX(up_to_date_at) AS t FROM shape_positions').get() as { t: string | null })
    .t;
}
