/**
 * The server's row as last delivered, for rows that still have writes in flight (`server_rows`; the
 * only module that touches that table). Kept just before pending writes are re-applied on top of a
 * delivered row, and put back when the server decides against those writes (see Outbox).
 */
import type Database from 'better-sqlite3';
import { v7 as uuidv7 } from 'uuid';
import type { Row } from '../../../db/primitives/index.ts';

export class ServerRows {
  private readonly getStmt: Database.Statement<[string, string], { row: string }>;
  private readonly setStmt: Database.Statement<[string, string, string, string, string]>;
  private readonly delStmt: Database.Statement<[string, string]>;

  constructor(sqlite: Database.Database) {
    this.getStmt = sqlite.prepare('SELECT "row" FROM server_rows WHERE table_name = ? AND row_id = ?');
    this.setStmt = sqlite.prepare(
      `INSERT INTO server_rows (id, created_at, table_name, row_id, "row") VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(table_name, row_id) DO UPDATE SET "row" = excluded."row"`,
    );
    this.delStmt = sqlite.prepare('DELETE FROM server_rows WHERE table_name = ? AND row_id = ?');
  }

  keep(table: string, id: string, row: Row): void {
    this.setStmt.run(uuidv7(), new Date().toISOString(), table, id, JSON.stringify(row));
  }

  /** The kept row, removed from the store (it is used once). */
  take(table: string, id: string): Row | null {
    const found = this.getStmt.get(table, id);
    if (!found) return null;
    this.delStmt.run(table, id);
    try {
      return JSON.parse(found.row) as Row;
    } catch {
      return null;
    }
  }
}
