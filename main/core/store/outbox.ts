/**
 * The local outbox (`outbox`; the only module that writes it): every local write appends one entry in
 * the same transaction as its row change, and the entries of one operation share a transaction id
 * (a *unit of work*: uploaded together, applied by the server all or none). Entries stay `pending`
 * until the server answers; their values are re-applied on top of incoming server rows meanwhile, so
 * the user keeps seeing their own unacknowledged writes.
 */
import type Database from 'better-sqlite3';
import { v7 as uuidv7 } from 'uuid';
import { quoteIdent, type Row } from '../../../db/primitives/index.ts';
import { ServerRows } from './server-rows.ts';
import { Statements } from './statements.ts';
import { type TableInfo, toSqlite } from './tables.ts';

export type OutboxOperation = 'insert' | 'update' | 'delete';

export interface OutboxEntry {
  id: string;
  seq: number;
  tx_id: string;
  table_name: string;
  row_id: string;
  operation: OutboxOperation;
  /** JSON text: insert → the row's columns; update → `{col: {base, value}}`; delete → `{deleted_at}`. */
  payload: string;
  base_version: number | null;
  author_id: string;
  hlc: string;
  device_time: string;
  status: 'pending' | 'acked';
  outcome: string | null;
  reason: string | null;
  acked_at: string | null;
}

export interface NewOutboxEntry {
  txId: string;
  table: string;
  rowId: string;
  operation: OutboxOperation;
  payload: Record<string, unknown>;
  baseVersion: number | null;
  authorId: string;
  hlc: string;
  deviceTime: string;
}

export type FieldChange = { base: unknown; value: unknown };

/**
 * The ids of a table's rows with writes still pending (`@t` the table name): such rows survive every
 * sweep of a table, so a user's unacknowledged work never disappears from their screens.
 */
export const PENDING_ROW_IDS = `SELECT row_id FROM outbox WHERE status = 'pending' AND table_name = @t`;
/** Rows of table `@t` this PC wrote and the server acknowledged, while their entries are kept. */
export const ACKED_ROW_IDS = `SELECT row_id FROM outbox WHERE status = 'acked' AND table_name = @t`;

export class Outbox {
  private readonly appendStmt: Database.Statement;
  private readonly pendingForTableStmt: Database.Statement<[string], OutboxEntry>;
  private readonly anyPendingForTableStmt: Database.Statement<[string], { n: number }>;
  private readonly pendingCountStmt: Database.Statement<[], { n: number; oldest: string | null }>;
  private readonly pendingForRowStmt: Database.Statement<[string, string], { n: number }>;
  private readonly headStmt: Database.Statement<[number, number], OutboxEntry>;
  private readonly txStmt: Database.Statement<[string], OutboxEntry>;
  private readonly entryStmt: Database.Statement<[string], OutboxEntry>;
  private readonly ackStmt: Database.Statement<[string, string | null, string, string]>;
  private readonly pruneStmt: Database.Statement<[string]>;
  private readonly statements: Statements;
  private readonly serverRows: ServerRows;

  constructor(sqlite: Database.Database) {
    this.statements = new Statements(sqlite);
    this.serverRows = new ServerRows(sqlite);
    this.appendStmt = sqlite.prepare(
      `INSERT INTO outbox (id, created_at, seq, tx_id, table_name, row_id, operation, payload, base_version,
         author_id, hlc, device_time, status)
       VALUES (?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM outbox), ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending')`,
    );
    this.pendingForTableStmt = sqlite.prepare(
      `SELECT * FROM outbox WHERE status = 'pending' AND table_name = ? ORDER BY seq`,
    );
    this.anyPendingForTableStmt = sqlite.prepare(
      `SELECT COUNT(*) AS n FROM (SELECT 1 FROM outbox WHERE status = 'pending' AND table_name = ? LIMIT 1)`,
    );
    this.pendingCountStmt = sqlite.prepare(
      `SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox WHERE status = 'pending'`,
    );
    this.pendingForRowStmt = sqlite.prepare(
      `SELECT COUNT(*) AS n FROM outbox WHERE status = 'pending' AND table_name = ? AND row_id = ?`,
    );
    this.headStmt = sqlite.prepare(
      `SELECT * FROM outbox WHERE status = 'pending' AND seq > ? ORDER BY seq LIMIT ?`,
    );
    this.txStmt = sqlite.prepare(`SELECT * FROM outbox WHERE tx_id = ? ORDER BY seq`);
    this.entryStmt = sqlite.prepare(`SELECT * FROM outbox WHERE id = ?`);
    this.ackStmt = sqlite.prepare(
      `UPDATE outbox SET status = 'acked', outcome = ?, reason = ?, acked_at = ? WHERE id = ? AND status = 'pending'`,
    );
    this.pruneStmt = sqlite.prepare(
      `DELETE FROM outbox WHERE status = 'acked' AND outcome IN ('applied', 'merged') AND acked_at < ?`,
    );
  }

  /** Appends one entry; call inside the transaction that changes the row. Returns the mutation id. */
  append(e: NewOutboxEntry): string {
    const id = uuidv7();
    this.appendStmt.run(
      id,
      new Date().toISOString(),
      e.txId,
      e.table,
      e.rowId,
      e.operation,
      JSON.stringify(e.payload),
      e.baseVersion,
      e.authorId,
      e.hlc,
      e.deviceTime,
    );
    return id;
  }

  pendingCount(): number {
    return this.pendingCountStmt.get()?.n ?? 0;
  }

  /** How many writes wait, and since when the oldest has waited (what sign-out warns about). */
  pendingSummary(): { count: number; oldestAt: string | null } {
    const r = this.pendingCountStmt.get();
    return { count: r?.n ?? 0, oldestAt: r?.oldest ?? null };
  }

  hasPending(table: string): boolean {
    return (this.anyPendingForTableStmt.get(table)?.n ?? 0) > 0;
  }

  /** Of `rowIds` of `table`, those with a write still pending (one query for a page of rows). */
  pendingRows(table: string, rowIds: readonly string[]): Set<string> {
    if (rowIds.length === 0) return new Set();
    const rows = this.statements
      .get(
        `SELECT DISTINCT row_id AS id FROM outbox WHERE status = 'pending' AND table_name = ?
           AND row_id IN (${rowIds.map(() => '?').join(', ')})`,
      )
      .all(table, ...rowIds) as { id: string }[];
    return new Set(rows.map((r) => r.id));
  }

  hasPendingForRow(table: string, rowId: string): boolean {
    return (this.pendingForRowStmt.get(table, rowId)?.n ?? 0) > 0;
  }

  /** Pending entries of `table` (optionally only for `rowIds`), in seq order. */
  pendingFor(table: string, rowIds?: ReadonlySet<string>): OutboxEntry[] {
    const all = this.pendingForTableStmt.all(table);
    return rowIds ? all.filter((e) => rowIds.has(e.row_id)) : all;
  }

  /**
   * The next pending entries to upload, in seq order, about `max` of them and never part of a unit:
   * the server applies a unit all or none, so it must see the whole unit in one batch. A unit larger
   * than `max` is sent alone, whole.
   */
  nextBatch(max: number, afterSeq = 0): OutboxEntry[] {
    const head = this.headStmt.all(afterSeq, max + 1);
    if (head.length <= max) return head;
    const last = head[max - 1] as OutboxEntry;
    const next = head[max] as OutboxEntry;
    head.length = max;
    if (next.tx_id !== last.tx_id) return head;
    // The batch would end inside a unit: end before it, or (a unit alone) take it whole.
    const cut = head.findIndex((e) => e.tx_id === last.tx_id);
    if (cut > 0) return head.slice(0, cut);
    return this.txStmt.all(last.tx_id).filter((e) => e.status === 'pending');
  }

  entry(id: string): OutboxEntry | null {
    return this.entryStmt.get(id) ?? null;
  }

  /**
   * Writes of this PC the server refused whose quarantine record has not come back here yet (the
   * record arrives through the shape a moment later), newest first; only `authorId`'s when given.
   */
  refusedWithoutRecord(authorId: string | null): OutboxEntry[] {
    return this.statements
      .get(
        `SELECT * FROM outbox WHERE outcome = 'quarantined'
         AND id NOT IN (SELECT mutation_id FROM quarantined_mutations)
         AND (? IS NULL OR author_id = ?) ORDER BY seq DESC`,
      )
      .all(authorId, authorId) as OutboxEntry[];
  }

  /** How many writes `refusedWithoutRecord` would list, for everyone (the status bar). */
  refusedWithoutRecordCount(): number {
    return (
      this.statements
        .get(
          `SELECT count(*) AS n FROM outbox WHERE outcome = 'quarantined'
             AND id NOT IN (SELECT mutation_id FROM quarantined_mutations)`,
        )
        .get() as { n: number }
    ).n;
  }

  /** Records the server's answer; false when the entry was not pending (answered before). */
  markAcked(id: string, outcome: string, reason: string | null, at: string): boolean {
    return this.ackStmt.run(outcome, reason, at, id).changes > 0;
  }

  /** Forgets applied and merged entries acknowledged before `before` (quarantined and conflicting stay). */
  prune(before: string): void {
    this.pruneStmt.run(before);
  }

  /**
   * Re-applies pending entries on top of the rows as the server delivered them (call inside the
   * transaction that applied the server batch). Inserts re-create a row the server removed.
   */
  reapply(info: TableInfo, entries: readonly OutboxEntry[]): void {
    for (const id of new Set(entries.map((e) => e.row_id))) this.keepServerRow(info, id);
    for (const e of entries) {
      let payload: Record<string, unknown>;
      try {
        payload = JSON.parse(e.payload) as Record<string, unknown>;
      } catch {
        continue;
      }
      if (e.operation === 'insert') this.reapplyInsert(info, e, payload);
      else if (e.operation === 'update') {
        const values: Row = {};
        for (const [col, ch] of Object.entries(payload)) {
          if (info.columns.has(col) && ch && typeof ch === 'object' && 'value' in ch)
            values[col] = (ch as FieldChange).value;
        }
        this.updateColumns(info, e.row_id, values);
      } else if (e.operation === 'delete') {
        const at = typeof payload.deleted_at === 'string' ? payload.deleted_at : e.device_time;
        this.statements
          .get(`UPDATE ${quoteIdent(info.name)} SET "deleted_at" = ? WHERE "id" = ? AND "deleted_at" IS NULL`)
          .run(at, e.row_id);
      }
    }
  }

  /**
   * Keeps the row exactly as the server just delivered it, before pending writes are re-applied on
   * top. Without it, a row delivered while its write was in flight kept the re-applied local value
   * for good once the write was acknowledged as a conflict the server decided the other way (the
   * server sends nothing more: its row did not change again), and the replica never converged.
   */
  private keepServerRow(info: TableInfo, id: string): void {
    const row = this.statements.get(`SELECT * FROM ${quoteIdent(info.name)} WHERE "id" = ?`).get(id) as
      | Row
      | undefined;
    if (!row) return;
    if (Object.values(row).some((v) => typeof v === 'bigint' || Buffer.isBuffer(v))) return;
    this.serverRows.keep(info.name, id, row);
  }

  /**
   * After the last pending write of a row is acknowledged: puts back the server's row as last
   * delivered if it already reflects that write (its version ≥ `minVersion`, the version the server
   * answered with); otherwise a newer delivery is still on its way and will overwrite the row.
   * Call inside the transaction that marks the entries acknowledged. Returns true if the row changed.
   */
  restoreServerRow(info: TableInfo, id: string, minVersion: number): boolean {
    const kept = this.serverRows.take(info.name, id);
    if (kept === null) return false;
    if (!(Number(kept.version) >= minVersion)) return false;
    const cols = Object.keys(kept).filter((c) => c !== 'id' && info.columns.has(c));
    const current = this.statements.get(`SELECT * FROM ${quoteIdent(info.name)} WHERE "id" = ?`).get(id) as
      | Row
      | undefined;
    if (current && cols.every((c) => current[c] === kept[c])) return false;
    const values = cols.map((c) => kept[c] as string | number | null);
    if (current) {
      this.statements
        .get(
          `UPDATE ${quoteIdent(info.name)} SET ${cols.map((c) => `${quoteIdent(c)} = ?`).join(', ')} WHERE "id" = ?`,
        )
        .run(...values, id);
    } else {
      this.statements
        .get(
          `INSERT INTO ${quoteIdent(info.name)} ("id", ${cols.map(quoteIdent).join(', ')}) VALUES (?, ${cols.map(() => '?').join(', ')})`,
        )
        .run(id, ...values);
    }
    return true;
  }

  private reapplyInsert(info: TableInfo, e: OutboxEntry, payload: Record<string, unknown>) {
    const data: Row = {};
    for (const [k, v] of Object.entries(payload)) if (info.columns.has(k) && k !== 'id') data[k] = v;
    if (this.updateColumns(info, e.row_id, data) > 0) return;
    const row: Row = {
      ...data,
      id: e.row_id,
      created_at: e.device_time,
      updated_at: e.device_time,
      created_by: e.author_id,
      updated_by: e.author_id,
      version: 1,
    };
    const cols = Object.keys(row);
    try {
      this.statements
        .get(
          `INSERT INTO ${quoteIdent(info.name)} (${cols.map(quoteIdent).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
        )
        .run(...cols.map((c) => toSqlite(info.columns.get(c), row[c])));
    } catch {
      // A unique key now held by a server row: the server will quarantine or conflict this insert;
      // the server's row wins locally meanwhile (the outbox entry itself is kept).
    }
  }

  /** Sets `values` on row `id`; returns the number of rows changed. */
  private updateColumns(info: TableInfo, id: string, values: Row): number {
    const cols = Object.keys(values);
    if (cols.length === 0) {
      return this.statements.get(`SELECT 1 FROM ${quoteIdent(info.name)} WHERE "id" = ?`).get(id) ? 1 : 0;
    }
    return this.statements
      .get(
        `UPDATE ${quoteIdent(info.name)} SET ${cols.map((c) => `${quoteIdent(c)} = ?`).join(', ')} WHERE "id" = ?`,
      )
      .run(...cols.map((c) => toSqlite(info.columns.get(c), values[c])), id).changes;
  }
}
