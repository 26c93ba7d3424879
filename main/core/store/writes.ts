/**
 * Local writes to synced tables, as units of work. An operation (register a patient, a dispense,
 * resolving a conflict) calls `unit(fn)`: every row it writes changes in ONE SQLite transaction
 * together with its outbox entries, which share a transaction id, so the server can apply them all
 * or none. Each write is validated (db/validation.ts), held to the status machines and date rules
 * (db/rules), checked against the access policy for the logged-in user (db/policy.ts), and the
 * cross-row invariants it touches are judged before and after (db/rules/invariants.ts): an operation
 * that makes one worse, where local data proves it, is refused whole.
 *
 * Nothing throws across this API: a refused or failed unit returns `{ok: false, error}` and has
 * changed nothing (row, outbox and sequences roll back together).
 */
import type Database from 'better-sqlite3';
import { v7 as uuidv7 } from 'uuid';
import { APPEND_ONLY_UPDATABLE, authorizeWrite, kindRefusal } from '../../../db/policy.ts';
import {
  err,
  type OperationError,
  quoteIdent,
  type Result,
  type Row,
  sameValue,
  type ValidationIssue,
} from '../../../db/primitives/index.ts';
import {
  checkDateRules,
  type Invariant,
  stampTransition,
  subjectsOf,
  type Verdict,
} from '../../../db/rules/index.ts';
import type { WorkstationKind } from '../../../db/schema/enums.ts';
import { validateWrite } from '../../../db/validation.ts';
import type { HybridLogicalClock } from '../sync/hlc.ts';
import type { Actor } from './actor.ts';
import type { FieldChange, NewOutboxEntry, Outbox } from './outbox.ts';
import { PortableQueries } from './portable-queries.ts';
import { Statements } from './statements.ts';
import type { StorageHealth } from './storage-fault.ts';
import { rowFromSqlite, type SqlValue, syncedTableInfo, type TableInfo, toSqlite } from './tables.ts';

export type WriteErrorCode =
  | 'not_logged_in'
  | 'unknown_table'
  | 'validation'
  | 'forbidden'
  | 'append_only'
  | 'not_found'
  | 'deleted'
  | 'rule'
  | 'constraint'
  | 'storage'
  | 'db_error';

export interface WriteError extends OperationError {
  code: WriteErrorCode;
}

export type { Actor };

export interface WritesOptions {
  sqlite: Database.Database;
  hlc: HybridLogicalClock;
  outbox: Outbox;
  actor: () => Actor | null;
  /** Called after each committed unit with the tables it changed. */
  onCommit?: (tables: string[]) => void;
  now?: () => Date;
  /** The local database's health: a write on a damaged or read-only database is refused up front. */
  storage?: StorageHealth;
  /**
   * What this PC holds (its kind, and the tables it syncs), once enrolled. A field of one of those
   * tables that its kind does not hold is refused here, in the server's words, rather than queued
   * for the server to refuse (someone signed in at another kind's PC: an admin at a ward PC).
   */
  holds?: () => { kind: WorkstationKind; tables: ReadonlySet<string> } | null;
}

/** The writer an operation gets inside its unit of work. Its methods throw to abort the unit. */
export interface UnitWriter {
  /** Shared by every outbox entry of this unit. */
  readonly txId: string;
  readonly actor: Actor;
  /** The unit's device time (ISO): stamps, `device_time`. */
  readonly now: string;
  insert(table: string, values: unknown): Row;
  /** `resolution`: the value settles a sync conflict, so it need not be a legal status move. */
  update(table: string, id: string, patch: unknown, opts?: { resolution?: boolean }): Row;
  softDelete(table: string, id: string): Row;
}

/** Thrown inside a unit to refuse it; `unit()` turns it into its error value. */
export class WriteRefusal extends Error {
  constructor(readonly error: WriteError) {
    super(error.message);
    this.name = 'WriteRefusal';
  }
}

const refuse = (code: WriteErrorCode, message: string, issues?: ValidationIssue[]): never => {
  throw new WriteRefusal(issues ? { code, message, issues } : { code, message });
};

function dbError(e: unknown): { ok: false; error: WriteError } {
  const code = (e as { code?: unknown }).code;
  const message = e instanceof Error ? e.message : String(e);
  if (typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT'))
    return err('constraint', `the change breaks a rule of the database: ${message}`) as {
      ok: false;
      error: WriteError;
    };
  return err('db_error', `the local database refused the change: ${message}`) as {
    ok: false;
    error: WriteError;
  };
}

/**
 * Judges the invariants a unit touches: the excess of each (rule, subject) before the unit first
 * touched it, against the excess when the unit ends.
 */
class InvariantGuard {
  private readonly before = new Map<Invariant, Map<string, number>>();

  constructor(private readonly queries: PortableQueries) {}

  /** Call before a write with the row as stored (if any) and as it will be. */
  touch(table: string, rows: readonly (Row | null)[]): void {
    for (const [inv, keys] of subjectsOf(table, rows)) {
      const seen = this.before.get(inv) ?? new Map<string, number>();
      this.before.set(inv, seen);
      const fresh = [...keys].filter((k) => !seen.has(k));
      if (fresh.length === 0) continue;
      for (const [k, excess] of this.excess(inv, fresh)) seen.set(k, excess);
    }
  }

  /** Why the unit is refused: the first rule it made worse, in its words; null when none. */
  worsened(): string | null {
    for (const [inv, seen] of this.before) {
      for (const v of this.verdicts(inv, [...seen.keys()]))
        if (v.excess > (seen.get(v.subject_key) ?? 0)) return v.refusal ?? inv.refusal;
    }
    return null;
  }

  private excess(inv: Invariant, keys: readonly string[]): Map<string, number> {
    return new Map(this.verdicts(inv, keys).map((v) => [v.subject_key, v.excess]));
  }

  private verdicts(inv: Invariant, keys: readonly string[]): Verdict[] {
    return inv.judge(keys, this.queries.all<Row>(inv.query(keys)));
  }
}

export class Writes {
  private readonly sqlite: Database.Database;
  private readonly statements: Statements;
  private readonly queries: PortableQueries;
  private readonly now: () => Date;

  constructor(private readonly opts: WritesOptions) {
    this.sqlite = opts.sqlite;
    this.statements = new Statements(opts.sqlite);
    this.queries = new PortableQueries(opts.sqlite);
    this.now = opts.now ?? (() => new Date());
  }

  /**
   * Runs `fn` as one unit of work: one transaction for its rows, its outbox entries (one
   * transaction id) and anything else it does in the local database (numbers drawn from sequences).
   * A `WriteRefusal` (or any error) thrown by `fn` rolls everything back and becomes the result.
   */
  unit<T>(fn: (w: UnitWriter) => T): Result<T, WriteError> {
    const actor = this.opts.actor();
    if (!actor) return err('not_logged_in', 'log in to make changes') as { ok: false; error: WriteError };
    const blocked = this.opts.storage?.writeBlock();
    if (blocked) return err('storage', blocked.message) as { ok: false; error: WriteError };
    const touched = new Set<string>();
    try {
      const value = this.sqlite.transaction(() => {
        const guard = new InvariantGuard(this.queries);
        const writer = this.writer(actor, touched, guard);
        const out = fn(writer);
        const broken = guard.worsened();
        if (broken) refuse('rule', broken);
        return out;
      })();
      this.opts.storage?.wrote();
      this.committed([...touched]);
      return { ok: true, value };
    } catch (e) {
      if (e instanceof WriteRefusal) return { ok: false, error: e.error };
      const fault = this.opts.storage?.report(e);
      if (fault) return err('storage', fault.message) as { ok: false; error: WriteError };
      return dbError(e);
    }
  }

  /** Inserts one row as a unit of its own (a fresh UUIDv7 id unless `values.id` is given). */
  insert(table: string, values: unknown): Result<Row, WriteError> {
    return this.unit((w) => w.insert(table, values));
  }

  /** Changes some fields of one row as a unit of its own. */
  update(table: string, id: string, patch: unknown): Result<Row, WriteError> {
    return this.unit((w) => w.update(table, id, patch));
  }

  /** Soft-deletes one row (`deleted_at`) as a unit of its own; clinical rows are never hard-deleted. */
  softDelete(table: string, id: string): Result<Row, WriteError> {
    return this.unit((w) => w.softDelete(table, id));
  }

  /** A row in application form (booleans, parsed JSON), or null. Applies no read policy. */
  read(info: TableInfo, id: string): Row | null {
    const raw = this.statements
      .get(`SELECT ${info.selectList} FROM ${quoteIdent(info.name)} WHERE "id" = ?`)
      .get(id) as Row | undefined;
    return raw ? rowFromSqlite(info, raw) : null;
  }

  private writer(actor: Actor, touched: Set<string>, guard: InvariantGuard): UnitWriter {
    const txId = uuidv7();
    const now = this.now().toISOString();
    const table = (name: string): TableInfo =>
      (typeof name === 'string' ? syncedTableInfo(name) : undefined) ??
      refuse('unknown_table', `"${String(name)}" is not a synced table`);
    const append = (
      info: TableInfo,
      sql: string,
      args: SqlValue[],
      entry: Omit<NewOutboxEntry, 'table' | 'hlc' | 'txId'>,
    ) => {
      this.statements.get(sql).run(...args);
      this.opts.outbox.append({ ...entry, txId, table: info.name, hlc: this.opts.hlc.now() });
      touched.add(info.name);
    };
    const notHeld = (table: string, fields: readonly string[]): string | null => {
      const pc = this.opts.holds?.();
      // A table the PC writes without holding (audit events, chart views) is the server's to judge.
      return pc?.tables.has(table) ? kindRefusal(pc.kind, table, fields) : null;
    };
    const existing = (info: TableInfo, id: string): Row => {
      const current = typeof id === 'string' ? this.read(info, id) : null;
      if (!current) return refuse('not_found', `no ${info.name} row with id ${String(id)}`);
      if (current.deleted_at !== null)
        return refuse('deleted', `the ${info.name} row ${id} has been deleted`);
      return current;
    };

    return {
      txId,
      actor,
      now,
      insert: (name, values) => {
        const info = table(name);
        const v = validateWrite(info.name, 'insert', values);
        if (!v.ok) refuse('validation', `invalid ${info.name} record`, v.issues);
        const valid = (v as { value: Row }).value;
        const stamped = stampTransition(info.name, null, valid, { actorId: actor.id, now });
        if (!stamped.ok)
          return refuse('rule', stamped.issues.map((i) => i.message).join('; '), stamped.issues);
        const dates = checkDateRules(info.name, 'insert', stamped.value, now);
        if (dates.length) refuse('validation', `invalid ${info.name} record`, dates);
        const data: Row = { ...stamped.value, id: typeof valid.id === 'string' ? valid.id : uuidv7() };
        const denied =
          authorizeWrite(actor.role, 'create', info.name, Object.keys(stamped.value), {
            userId: actor.id,
            row: data,
          }) ?? notHeld(info.name, Object.keys(stamped.value));
        if (denied) refuse('forbidden', denied);
        guard.touch(info.name, [data]);
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
        append(
          info,
          `INSERT INTO ${quoteIdent(info.name)} (${cols.map(quoteIdent).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
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
        return this.read(info, id) ?? row;
      },

      update: (name, id, patch, opts = {}) => {
        const info = table(name);
        if (info.appendOnly && !APPEND_ONLY_UPDATABLE[info.name])
          refuse('append_only', `${info.name} is append-only: write an amending row instead of updating`);
        const current = existing(info, id);
        const v = validateWrite(info.name, 'update', patch, { current });
        if (!v.ok) refuse('validation', `invalid change to ${info.name}`, v.issues);
        let write = (v as { value: Row }).value;
        if (!opts.resolution) {
          const from = typeof current.status === 'string' ? current.status : null;
          const stamped = stampTransition(info.name, from, write, { actorId: actor.id, now });
          if (!stamped.ok)
            return refuse('rule', stamped.issues.map((i) => i.message).join('; '), stamped.issues);
          write = stamped.value;
        }
        const changes: Record<string, FieldChange> = {};
        for (const [col, value] of Object.entries(write)) {
          if (!sameValue(info.columns.get(col)?.kind, current[col], value))
            changes[col] = { base: current[col] ?? null, value };
        }
        const cols = Object.keys(changes);
        if (cols.length === 0) return current;
        const changed = Object.fromEntries(cols.map((c) => [c, changes[c]?.value]));
        const dates = checkDateRules(info.name, 'update', changed, now);
        if (dates.length) refuse('validation', `invalid change to ${info.name}`, dates);
        const allowed = authorizeWrite(actor.role, 'update', info.name, Object.keys(write), {
          userId: actor.id,
          row: current,
        });
        if (allowed) refuse(info.appendOnly ? 'append_only' : 'forbidden', allowed);
        const held = notHeld(info.name, cols);
        if (held) refuse('forbidden', held);
        guard.touch(info.name, [current, { ...current, ...changed }]);
        const set = [...cols, 'updated_at', 'updated_by'];
        const values = [...cols.map((c) => toSqlite(info.columns.get(c), changes[c]?.value)), now, actor.id];
        append(
          info,
          `UPDATE ${quoteIdent(info.name)} SET ${set.map((c) => `${quoteIdent(c)} = ?`).join(', ')} WHERE "id" = ?`,
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
        return this.read(info, id) ?? current;
      },

      softDelete: (name, id) => {
        const info = table(name);
        const current = typeof id === 'string' ? this.read(info, id) : null;
        if (!current) return refuse('not_found', `no ${info.name} row with id ${String(id)}`);
        if (current.deleted_at !== null) return current;
        const denied = authorizeWrite(actor.role, 'delete', info.name, [], {
          userId: actor.id,
          row: current,
        });
        if (denied) refuse('forbidden', denied);
        guard.touch(info.name, [current]);
        append(
          info,
          `UPDATE ${quoteIdent(info.name)} SET "deleted_at" = ?, "updated_at" = ?, "updated_by" = ? WHERE "id" = ?`,
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
        return this.read(info, id) ?? current;
      },
    };
  }

  private committed(tables: string[]) {
    if (tables.length === 0) return;
    try {
      this.opts.onCommit?.(tables);
    } catch {
      // a listener's failure must not turn a committed write into an error
    }
  }
}
