/**
 * Runs the portable queries of db/ (derived values, cross-row rules: drizzle `sql`) on the local
 * database with prepared statements kept by SQL text. Drizzle's `db.all(sql)` prepares a statement
 * on every call, which cost more than the query itself on the search path (a page of 20 patients'
 * ages); the compiled text of a query is stable, so its statement is prepared once.
 */
import type Database from 'better-sqlite3';
import { type SQL, sql } from 'drizzle-orm';
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core';
import type { Row } from '../../../db/primitives/index.ts';
import { Statements } from './statements.ts';

const dialect = new SQLiteSyncDialect();

export class PortableQueries {
  private readonly statements: Statements;

  constructor(sqlite: Database.Database) {
    this.statements = new Statements(sqlite);
  }

  all<T = Row>(query: SQL): T[] {
    const q = dialect.sqlToQuery(query);
    return this.statements.get(q.sql).all(...(q.params as unknown[])) as T[];
  }

  /**
   * A value computed by `expr` (over alias `t`) for the rows `ids` of `table`, by id. One statement
   * whatever the number of ids: they travel as one JSON array.
   */
  byId(table: string, ids: readonly string[], expr: SQL): Map<string, unknown> {
    if (ids.length === 0) return new Map();
    const rows = this.all<{ id: string; v: unknown }>(
      sql`SELECT t.id AS id, ${expr} AS v FROM ${sql.identifier(table)} t
          WHERE t.id IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`,
    );
    return new Map(rows.map((r) => [r.id, r.v]));
  }
}
