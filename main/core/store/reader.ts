/**
 * Policy-checked reads for the core's named queries (DESIGN §4a, §5): a feature asks for rows of a
 * synced table as the logged-in user, and gets only the columns that user's role may read and only
 * the rows its ownership conditions allow (a nurse sees her own notifications, not a colleague's).
 * No raw SQL handle leaves the core; features pass the conditions of their query here.
 */
import type Database from 'better-sqlite3';
import { readableFields, rowCondition } from '../../../db/policy.ts';
import { quoteIdent, type Row } from '../../../db/primitives/index.ts';
import type { Actor } from './actor.ts';
import { Statements } from './statements.ts';
import { rowFromSqlite, syncedTableInfo, type TableInfo } from './tables.ts';

export interface ReadOptions {
  /** A SQL condition over the table's columns (alias `t`), written by the feature, with `?` params. */
  where?: string;
  params?: readonly unknown[];
  orderBy?: string;
  limit?: number;
  offset?: number;
  /** The columns wanted (default all); those the user may not read are left out. */
  columns?: readonly string[];
  /** Include soft-deleted rows (default: no). */
  withDeleted?: boolean;
}

export class Reader {
  private readonly statements: Statements;

  constructor(sqlite: Database.Database) {
    this.statements = new Statements(sqlite);
  }

  /** May `viewer` read `table` at all? */
  canRead(viewer: Actor, table: string): boolean {
    return readableFields(viewer.role, table).length > 0;
  }

  /** The rows of `table` matching `opts` that `viewer` may see, holding only readable columns. */
  rows(viewer: Actor, table: string, opts: ReadOptions = {}): Row[] {
    const info = syncedTableInfo(table);
    const readable = info ? readableFields(viewer.role, table) : [];
    if (!info || readable.length === 0) return [];
    const cols = (opts.columns ?? readable).filter((c) => readable.includes(c) && info.columns.has(c));
    if (cols.length === 0) return [];
    const where: string[] = [];
    const params: unknown[] = [];
    if (!opts.withDeleted) where.push('t."deleted_at" IS NULL');
    const own = this.ownership(viewer, info);
    if (own) {
      where.push(own.sql);
      params.push(...own.params);
    }
    if (opts.where) {
      where.push(`(${opts.where})`);
      params.push(...(opts.params ?? []));
    }
    // Limit and offset travel as parameters: one prepared statement serves every page.
    params.push(opts.limit === undefined ? -1 : Math.max(0, Math.floor(opts.limit)));
    params.push(Math.max(0, Math.floor(opts.offset ?? 0)));
    const sql =
      `SELECT ${cols.map((c) => `t.${quoteIdent(c)}`).join(', ')} FROM ${quoteIdent(table)} t` +
      (where.length ? ` WHERE ${where.join(' AND ')}` : '') +
      (opts.orderBy ? ` ORDER BY ${opts.orderBy}` : '') +
      ' LIMIT ? OFFSET ?';
    return (this.statements.get(sql).all(...params) as Row[]).map((r) => rowFromSqlite(info, r));
  }

  /** One row by id, as `rows` would return it; null when absent or not visible to `viewer`. */
  one(
    viewer: Actor,
    table: string,
    id: string,
    opts: Omit<ReadOptions, 'where' | 'params'> = {},
  ): Row | null {
    return this.rows(viewer, table, { ...opts, where: 't."id" = ?', params: [id], limit: 1 })[0] ?? null;
  }

  /** The ownership condition of the role's read grant, as SQL over alias `t`. */
  private ownership(viewer: Actor, info: TableInfo): { sql: string; params: unknown[] } | null {
    const cond = rowCondition(viewer.role, info.name, 'read');
    if (!cond) return null;
    const parts = [
      ...cond.userIs.map((c) => `t.${quoteIdent(c)} = ?`),
      ...(cond.orTrue ?? []).map((c) => `t.${quoteIdent(c)} = 1`),
    ];
    if (parts.length === 0) return { sql: '0', params: [] };
    return { sql: `(${parts.join(' OR ')})`, params: cond.userIs.map(() => viewer.id) };
  }
}
