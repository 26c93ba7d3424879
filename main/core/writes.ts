/**
 * Local writes to synced tables. Each one is validated (db/validation.ts), checked against the
 * access policy for the logged-in user (db/policy.ts), then changes the row *and* appends its
 * mutation to the outbox in one SQLite transaction. Nothing throws across this API: a refused or
 * failed write returns `{ok: false, error}` and has changed nothing.
 */
import type Database from 'better-sqlite3';
import { v7 as uuidv7 } from 'uuid';
import { APPEND_ONLY_UPDATABLE, authorizeWrite } from '../../db/policy.ts';
import { type ValidationIssue, validateWrite } from '../../db/validation.ts';
import type { HybridLogicalClock } from './hlc.ts';
import type { FieldChange, NewOutboxEntry, Outbox } from './outbox.ts';
import {
  quoteIdent,
  type Row,
  rowFromSqlite,
  type SqlValue,
  sameValue,
  syncedTable,
  type TableInfo,
  toSqlite,
} from './tables.ts';

export type WriteErrorCode =
  | 'not_logged_in'
  | 'unknown_table'
  | 'validation'
  | 'forbidden'
  | 'append_only'
  | 'not_found'
  | 'deleted'
  | 'constraint'
  | 'db_error';

export interface WriteError {
  code: WriteErrorCode;
  message: string;
  issues?: ValidationIssue[];
}

export type Result<T, E = WriteError> = { ok: true; value: T } | { ok: false; error: E };

/** Who is writing: the logged-in user. */
export interface Actor {
  id: string;
  role: string;
}

export interface WritesOptions {
  sqlite: Database.Database;
  hlc: HybridLogicalClock;
  outbox: Outbox;
  actor: () => Actor | null;
  /** Called after each committed write with the table it changed. */
  onCommit?: (table: string) => void;
  now?: () => Date;
}

const fail = (
  code: WriteErrorCode,
  message: string,
  issues?: ValidationIssue[],
): { ok: false; error: WriteError } => ({
  ok: false,
  error: issues ? { code, message, issues } : { code, message },
});

function dbError(e: unknown): { ok: false; error: WriteError } {
  const code = (e as { code?: unknown }).code;
  const message = e instanceof Error ? e.message : String(e);
  if (typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT'))
    return fail('constraint', `the write breaks a database constraint: ${message}`);
  return fail('db_error', `the local database refused the write: ${message}`);
}

export class Writes {
  private readonly sqlite: Database.Database;
  private readonly stmts = new Map<string, Database.Statement>();
  private readonly now: () => Date;

  constructor(private readonly opts: WritesOptions) {
    this.sqlite = opts.sqlite;
    this.now = opts.now ?? (() => new Date());
  }

  /** Inserts a row (a fresh UUIDv7 id unless `values.id` is given). Returns the stored row. */
  insert(table: string, values: unknown): Result<Row> {
    try {
      const pre = this.prepare(table);
      if (!pre.ok) return pre;
      const { info, actor } = pre.value;
      const v = validateWrite(table, 'insert', values);
      if (!v.ok) return fail('validation', `invalid ${table} record`, v.issues);
      const data: Row = { ...v.value, id: typeof v.value.id === 'string' ? v.value.id : uuidv7() };
      const denied = authorizeWrite(actor.role, 'create', table, Object.keys(v.value), {
        userId: actor.id,
        row: data,
      });
      if (denied) return fail('forbidden', denied);
      const now = this.now().toISOString();
      const row: Row = {
        ...data,
        created_at: now,
        updated_at: now,
        created_by: actor.id,
        updated_by: actor.id,
        deleted_at: null,
        version: 1,
      };
      const cols = Object.keys(row);
      const id = data.id as string;
      this.commit(
        table,
        `INSERT INTO ${quoteIdent(table)} (${cols.map(quoteIdent).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
        cols.map((c) => toSqlite(info.columns.get(c), row[c])),
        {
          rowId: id,
          operation: 'insert',
          payload: data,
          baseVersion: null,
          authorId: actor.id,
          deviceTime: now,
        },
      );
      return { ok: true, value: this.read(info, id) ?? row };
    } catch (e) {
      return dbError(e);
    }
  }

  /** Changes some fields of a row. The row's `version` is the server's and is left alone. */
  update(table: string, id: string, patch: unknown): Result<Row> {
    try {
      const pre = this.prepare(table);
      if (!pre.ok) return pre;
      const { info, actor } = pre.value;
      if (info.appendOnly && !APPEND_ONLY_UPDATABLE[table])
        return fail('append_only', `${table} is append-only: write an amending row instead of updating`);
      const current = typeof id === 'string' ? this.read(info, id) : null;
      if (!current) return fail('not_found', `no ${table} row with id ${String(id)}`);
      if (current.deleted_at !== null) return fail('deleted', `the ${table} row ${id} has been deleted`);
      const v = validateWrite(table, 'update', patch, { current });
      if (!v.ok) return fail('validation', `invalid change to ${table}`, v.issues);
      const denied = authorizeWrite(actor.role, 'update', table, Object.keys(v.value), {
        userId: actor.id,
        row: current,
      });
      if (denied) return fail(info.appendOnly ? 'append_only' : 'forbidden', denied);
      const changes: Record<string, FieldChange> = {};
      for (const [col, value] of Object.entries(v.value)) {
        if (!sameValue(current[col], value)) changes[col] = { base: current[col] ?? null, value };
      }
      const cols = Object.keys(changes);
      if (cols.length === 0) return { ok: true, value: current };
      const now = this.now().toISOString();
      const set = [...cols, 'updated_at', 'updated_by'];
      const values = [...cols.map((c) => toSqlite(info.columns.get(c), changes[c]?.value)), now, actor.id];
      this.commit(
        table,
        `UPDATE ${quoteIdent(table)} SET ${set.map((c) => `${quoteIdent(c)} = ?`).join(', ')} WHERE "id" = ?`,
        [...values, id],
        {
          rowId: id,
          operation: 'update',
          payload: changes,
          baseVersion: typeof current.version === 'number' ? current.version : null,
          authorId: actor.id,
          deviceTime: now,
        },
      );
      return { ok: true, value: this.read(info, id) ?? current };
    } catch (e) {
      return dbError(e);
    }
  }

  /** Soft-deletes a row (`deleted_at`); clinical rows are never hard-deleted. */
  softDelete(table: string, id: string): Result<Row> {
    try {
      const pre = this.prepare(table);
      if (!pre.ok) return pre;
      const { info, actor } = pre.value;
      const current = typeof id === 'string' ? this.read(info, id) : null;
      if (!current) return fail('not_found', `no ${table} row with id ${String(id)}`);
      if (current.deleted_at !== null) return { ok: true, value: current };
      const denied = authorizeWrite(actor.role, 'delete', table, [], { userId: actor.id, row: current });
      if (denied) return fail('forbidden', denied);
      const now = this.now().toISOString();
      this.commit(
        table,
        `UPDATE ${quoteIdent(table)} SET "deleted_at" = ?, "updated_at" = ?, "updated_by" = ? WHERE "id" = ?`,
        [now, now, actor.id, id],
        {
          rowId: id,
          operation: 'delete',
          payload: { deleted_at: now },
          baseVersion: typeof current.version === 'number' ? current.version : null,
          authorId: actor.id,
          deviceTime: now,
        },
      );
      return { ok: true, value: this.read(info, id) ?? current };
    } catch (e) {
      return dbError(e);
    }
  }

  /** The row change and its outbox entry in one transaction: both are stored, or neither. */
  private commit(table: string, sql: string, args: SqlValue[], entry: Omit<NewOutboxEntry, 'table' | 'hlc'>) {
    this.sqlite.transaction(() => {
      this.stmt(sql).run(...args);
      this.opts.outbox.append({ ...entry, table, hlc: this.opts.hlc.now() });
    })();
    this.committed(table);
  }

  /** A row in application form (booleans, parsed JSON), or null. Applies no read policy. */
  read(info: TableInfo, id: string): Row | null {
    const raw = this.stmt(`SELECT ${info.selectList} FROM ${quoteIdent(info.name)} WHERE "id" = ?`).get(id) as
      | Row
      | undefined;
    return raw ? rowFromSqlite(info, raw) : null;
  }

  private prepare(table: string): Result<{ info: TableInfo; actor: Actor }> {
    const actor = this.opts.actor();
    if (!actor) return fail('not_logged_in', 'log in to make changes');
    const info = typeof table === 'string' ? syncedTable(table) : undefined;
    if (!info) return fail('unknown_table', `"${String(table)}" is not a synced table`);
    return { ok: true, value: { info, actor } };
  }

  private committed(table: string) {
    try {
      this.opts.onCommit?.(table);
    } catch {
      // a listener's failure must not turn a committed write into an error
    }
  }

  private stmt(sql: string): Database.Statement {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.sqlite.prepare(sql);
      this.stmts.set(sql, s);
    }
    return s;
  }
}
