/**
 * The local outbox: every local write appends one entry in the same transaction as its row change.
 * Entries stay `pending` until the server answers; their values are re-applied on top of incoming
 * server rows meanwhile, so the user keeps seeing their own unacknowledged writes.
 */
import type Database from 'better-sqlite3';
import { v7 as uuidv7 } from 'uuid';
import { Settings } from './settings.ts';
import { quoteIdent, type Row, type TableInfo, toSqlite } from './tables.ts';

/** Settings key under which the server's last delivered version of a row with pending writes is kept. */
const serverRowKey = (table: string, id: string) => `server_row:${table}:${id}`;

export type OutboxOperation = 'insert' | 'update' | 'delete';

export interface OutboxEntry {
  id: string;
  seq: number;
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

export class Outbox {
  private readonly appendStmt: Database.Statement;
  private readonly pendingForTableStmt: Database.Statement<[string], OutboxEntry>;
  private readonly anyPendingForTableStmt: Database.Statement<[string], { n: number }>;
  private readonly pendingCountStmt: Database.Statement<[], { n: number }>;
  private readonly stmtCache = new Map<string, Database.Statement>();
  private readonly settings: Settings;

  constructor(private readonly sqlite: Database.Database) {
    this.settings = new Settings(sqlite);
    this.appendStmt = sqlite.prepare(
      `INSERT INTO outbox (id, created_at, seq, table_name, row_id, operation, payload, base_version,
         author_id, hlc, device_time, status)
       VALUES (?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM outbox), ?, ?, ?, ?, ?, ?, ?, ?, 'pending')`,
    );
    this.pendingForTableStmt = sqlite.prepare(
      `SELECT * FROM outbox WHERE status = 'pending' AND table_name = ? ORDER BY seq`,
    );
    this.anyPendingForTableStmt = sqlite.prepare(
      `SELECT COUNT(*) AS n FROM (SELECT 1 FROM outbox WHERE status = 'pending' AND table_name = ? LIMIT 1)`,
    );
    this.pendingCountStmt = sqlite.prepare(`SELECT COUNT(*) AS n FROM outbox WHERE status = 'pending'`);
  }

  /** Appends one entry; call inside the transaction that changes the row. Returns the mutation id. */
  append(e: NewOutboxEntry): string {
    const id = uuidv7();
    this.appendStmt.run(
      id,
      new Date().toISOString(),
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

  hasPending(table: string): boolean {
    return (this.anyPendingForTableStmt.get(table)?.n ?? 0) > 0;
  }

  /** Pending entries of `table` (optionally only for `rowIds`), in seq order. */
  pendingFor(table: string, rowIds?: ReadonlySet<string>): OutboxEntry[] {
    const all = this.pendingForTableStmt.all(table);
    return rowIds ? all.filter((e) => rowIds.has(e.row_id)) : all;
  }

  /** Row ids of `table` with pending entries. */
  pendingRowIds(table: string): Set<string> {
    return new Set(this.pendingForTableStmt.all(table).map((e) => e.row_id));
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
        this.stmt(
          `UPDATE ${quoteIdent(info.name)} SET "deleted_at" = ? WHERE "id" = ? AND "deleted_at" IS NULL`,
        ).run(at, e.row_id);
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
    const row = this.stmt(`SELECT * FROM ${quoteIdent(info.name)} WHERE "id" = ?`).get(id) as Row | undefined;
    if (!row) return;
    if (Object.values(row).some((v) => typeof v === 'bigint' || Buffer.isBuffer(v))) return;
    this.settings.set(serverRowKey(info.name, id), JSON.stringify(row));
  }

  /**
   * After the last pending write of a row is acknowledged: puts back the server's row as last
   * delivered if it already reflects that write (its version ≥ `minVersion`, the version the server
   * answered with); otherwise a newer delivery is still on its way and will overwrite the row.
   * Call inside the transaction that marks the entries acknowledged. Returns true if the row changed.
   */
  restoreServerRow(info: TableInfo, id: string, minVersion: number): boolean {
    const key = serverRowKey(info.name, id);
    const kept = this.settings.getJson<Row>(key);
    if (kept === null) return false;
    this.settings.delete(key);
    if (!(Number(kept.version) >= minVersion)) return false;
    const cols = Object.keys(kept).filter((c) => c !== 'id' && info.columns.has(c));
    const current = this.stmt(`SELECT * FROM ${quoteIdent(info.name)} WHERE "id" = ?`).get(id) as
      | Row
      | undefined;
    if (current && cols.every((c) => current[c] === kept[c])) return false;
    const values = cols.map((c) => kept[c] as string | number | null);
    if (current) {
      this.stmt(
        `UPDATE ${quoteIdent(info.name)} SET ${cols.map((c) => `${quoteIdent(c)} = ?`).join(', ')} WHERE "id" = ?`,
      ).run(...values, id);
    } else {
      this.stmt(
        `INSERT INTO ${quoteIdent(info.name)} ("id", ${cols.map(quoteIdent).join(', ')}) VALUES (?, ${cols.map(() => '?').join(', ')})`,
      ).run(id, ...values);
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
      this.stmt(
        `INSERT INTO ${quoteIdent(info.name)} (${cols.map(quoteIdent).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
      ).run(...cols.map((c) => toSqlite(info.columns.get(c), row[c])));
    } catch {
      // A unique key now held by a server row: the server will quarantine or conflict this insert;
      // the server's row wins locally meanwhile (the outbox entry itself is kept).
    }
  }

  /** Sets `values` on row `id`; returns the number of rows changed. */
  private updateColumns(info: TableInfo, id: string, values: Row): number {
    const cols = Object.keys(values);
    if (cols.length === 0) {
      return this.stmt(`SELECT 1 FROM ${quoteIdent(info.name)} WHERE "id" = ?`).get(id) ? 1 : 0;
    }
    return this.stmt(
      `UPDATE ${quoteIdent(info.name)} SET ${cols.map((c) => `${quoteIdent(c)} = ?`).join(', ')} WHERE "id" = ?`,
    ).run(...cols.map((c) => toSqlite(info.columns.get(c), values[c])), id).changes;
  }

  private stmt(sql: string): Database.Statement {
    let s = this.stmtCache.get(sql);
    if (!s) {
      s = this.sqlite.prepare(sql);
      this.stmtCache.set(sql, s);
    }
    return s;
  }
}
