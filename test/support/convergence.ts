/**
 * Convergence of replicas with Postgres, table by table and scope by scope (issue 9: "compare every
 * table of every scope"). For a workstation, the tables come from the server's own scope
 * (`tablesFor`), and the rows it should hold from the server's own snapshot code path
 * (`SnapshotPlanner`: the rule's predicate bound by `bindPredicate`, columns sent through
 * `columnView`, values rendered as wire text). The replica must hold exactly those rows, with the
 * same value in every column, and nothing in the tables outside its scope.
 *
 * Why the snapshot path is the oracle: a PC follows the change log after its first snapshot, and
 * move-in/move-out through dependencies (a patient's ward, a user's grant) lives only in the log
 * reader. A fresh snapshot answers "what would a PC that starts now receive": any difference with a
 * PC that has been following the log is a row the log path failed to move, or a value it got wrong.
 *
 * Soft-deleted rows (`deleted_at` set) are in the snapshot like any other row and must be on the PC
 * with the same `deleted_at`; hard-deleted rows are in neither.
 *
 * Reports name the workstation, its kind, the table, the row id and the column; never a text value
 * (names, notes), so a failure log carries no patient data.
 */
import type Database from 'better-sqlite3';
import { canonicalJson, quoteIdent, toNormalTimestamp } from '../../db/primitives/index.ts';
import type { AnyTableModel, ColumnKind } from '../../db/schema/dsl.ts';
import { tablesIn } from '../../db/schema/index.ts';
import type { Database as ServerDatabase } from '../../sync-server/platform/database.ts';
import {
  ruleFor,
  tablesFor,
  type WorkstationKind,
  type WorkstationScope,
  writeRuleFor,
} from '../../sync-server/sync/scopes.ts';
import { SnapshotPlanner } from '../../sync-server/sync/shapes/snapshot-plan.ts';

/** A workstation as the check sees it: its id on the server and its local database. */
export interface Replica {
  name: string;
  id: string;
  sqlite: Database.Database;
}

export type Problem = 'missing' | 'extra' | 'value' | 'out_of_scope';

export interface Difference {
  station: string;
  kind: WorkstationKind;
  table: string;
  rowId: string;
  problem: Problem;
  column?: string;
  /** What differs, without any text value. */
  detail: string;
  /** Stable identity of the difference (to tell one seen before from a new one). */
  key: string;
}

/** Column kinds whose values say nothing about a person and may be printed. */
const PRINTABLE: ReadonlySet<ColumnKind> = new Set([
  'uuid',
  'int',
  'bigint',
  'money',
  'real',
  'bool',
  'timestamp',
]);

const tagged = (v: unknown) => `${typeof v}:${String(v)}`;

const integerText = (v: string): string => (/^-?\d+$/.test(v) ? BigInt(v).toString() : tagged(v));

/**
 * A wire value (Postgres text, as the server sends it) in a canonical form. Written here rather than
 * taken from the client's parser so that a bug in that parser shows up as a difference.
 */
export function canonicalFromWire(kind: ColumnKind, v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v !== 'string') return tagged(v);
  // A column the kind may not read is sent as '' where the local table requires a value.
  if (v === '') return '""';
  switch (kind) {
    case 'int':
    case 'bigint':
    case 'money':
      return integerText(v);
    case 'real':
      return String(Number(v));
    case 'bool':
      return v === 't' || v === 'true' ? 'true' : v === 'f' || v === 'false' ? 'false' : tagged(v);
    case 'json':
      try {
        return canonicalJson(JSON.parse(v));
      } catch {
        return tagged(v);
      }
    case 'timestamp':
      return toNormalTimestamp(v) ?? tagged(v);
    case 'uuid':
      return v.toLowerCase();
    default:
      return JSON.stringify(v);
  }
}

/**
 * A value as stored in the PC's SQLite in the same canonical form: booleans 0/1, JSON as text,
 * 64-bit integers as numbers (or as text when beyond 2^53), timestamps as ISO text.
 */
export function canonicalFromSqlite(kind: ColumnKind, v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (v === '') return '""';
  switch (kind) {
    case 'int':
    case 'bigint':
    case 'money':
      if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v).toString() : tagged(v);
      if (typeof v === 'bigint') return v.toString();
      return typeof v === 'string' ? integerText(v) : tagged(v);
    case 'real':
      return typeof v === 'number' ? String(v) : typeof v === 'bigint' ? String(Number(v)) : tagged(v);
    case 'bool':
      return v === 1 || v === 1n ? 'true' : v === 0 || v === 0n ? 'false' : tagged(v);
    case 'json':
      if (typeof v !== 'string') return tagged(v);
      try {
        return canonicalJson(JSON.parse(v));
      } catch {
        return tagged(v);
      }
    case 'timestamp':
      return typeof v === 'string' ? (toNormalTimestamp(v) ?? tagged(v)) : tagged(v);
    case 'uuid':
      return typeof v === 'string' ? v.toLowerCase() : tagged(v);
    default:
      return typeof v === 'string' ? JSON.stringify(v) : tagged(v);
  }
}

const shown = (kind: ColumnKind, canonical: string) =>
  PRINTABLE.has(kind) || canonical === 'null' || canonical === '""'
    ? canonical
    : `<${kind}, ${canonical.length} chars>`;

/** The workstation as the server scopes it (what `requireWorkstation` reads). */
async function scopeOf(database: ServerDatabase, id: string): Promise<WorkstationScope> {
  const [row] = await database.query<{ id: string; kind: WorkstationKind; ward_id: string | null }>(
    `SELECT id::text AS id, kind, ward_id::text AS ward_id FROM workstations WHERE id = $1 AND revoked_at IS NULL`,
    [id],
  );
  if (!row) throw new Error(`workstation ${id} is unknown or revoked`);
  return row;
}

/** Every row of `table` the server would send `ws` now, as wire values by row id. */
async function expectedRows(
  planner: SnapshotPlanner,
  ws: WorkstationScope,
  table: AnyTableModel,
): Promise<Map<string, Record<string, unknown>>> {
  const rule = ruleFor(ws.kind, table.name);
  if (!rule) throw new Error(`${table.name} is not in the scope of a ${ws.kind} workstation`);
  const first = await planner.begin(ws, table, rule);
  const messages = [...first.rows];
  if (!first.last) {
    // The planner keeps the chunk boundaries under a handle; any unique name serves here.
    const handle = `convergence-${ws.id}-${table.name}-${Date.now()}`;
    planner.keep(handle, first.boundaries);
    for (let part = 1; ; part++) {
      const chunk = await planner.chunk(handle, ws, table, rule, part);
      messages.push(...chunk.rows);
      if (chunk.last) break;
    }
  }
  const rows = new Map<string, Record<string, unknown>>();
  for (const text of messages) {
    const value = (JSON.parse(text) as { value: Record<string, unknown> }).value;
    rows.set(String(value.id), value);
  }
  return rows;
}

function localRows(sqlite: Database.Database, table: string): Map<string, Record<string, unknown>> {
  const rows = sqlite.prepare(`SELECT * FROM ${quoteIdent(table)}`).all() as Record<string, unknown>[];
  return new Map(rows.map((r) => [String(r.id), r]));
}

export interface ReplicaSummary {
  station: string;
  kind: WorkstationKind;
  /** Tables of its scope compared, and the rows the server has in them for it. */
  tables: number;
  rows: number;
}

export interface ConvergenceReport {
  differences: Difference[];
  replicas: ReplicaSummary[];
}

/** Differences between one replica and what the server's scope says it should hold, now. */
async function replicaDifferences(
  database: ServerDatabase,
  planner: SnapshotPlanner,
  replica: Replica,
): Promise<{ differences: Difference[]; summary: ReplicaSummary }> {
  const ws = await scopeOf(database, replica.id);
  const scoped = new Set(tablesFor(ws.kind));
  const out: Difference[] = [];
  let rows = 0;
  const diff = (table: string, rowId: string, problem: Problem, detail: string, column?: string) =>
    out.push({
      station: replica.name,
      kind: ws.kind,
      table,
      rowId,
      problem,
      detail,
      ...(column ? { column } : {}),
      key: [replica.id, table, rowId, problem, column ?? ''].join('|'),
    });

  for (const model of tablesIn('synced')) {
    const table = model.name;
    if (!scoped.has(table)) {
      // A table a PC writes without holding (chart views, role requests) keeps the PC's own rows;
      // any other table outside the scope must be empty.
      if (writeRuleFor(ws.kind, table)) continue;
      for (const id of localRows(replica.sqlite, table).keys())
        diff(table, id, 'out_of_scope', 'row on the PC in a table outside its scope');
      continue;
    }
    const want = await expectedRows(planner, ws, model);
    rows += want.size;
    const have = localRows(replica.sqlite, table);
    for (const [id, w] of want) {
      const h = have.get(id);
      if (!h) {
        diff(
          table,
          id,
          'missing',
          `in scope on the server (deleted_at ${w.deleted_at ?? 'null'}), absent on the PC`,
        );
        continue;
      }
      for (const [column, meta] of Object.entries(model.columns)) {
        const server = canonicalFromWire(meta.kind, w[column]);
        const local = canonicalFromSqlite(meta.kind, h[column]);
        if (server !== local)
          diff(
            table,
            id,
            'value',
            `PC ${shown(meta.kind, local)}, server ${shown(meta.kind, server)}`,
            column,
          );
      }
    }
    for (const id of have.keys())
      if (!want.has(id)) diff(table, id, 'extra', 'on the PC, not in its scope on the server');
  }
  return {
    differences: out,
    summary: { station: replica.name, kind: ws.kind, tables: scoped.size, rows },
  };
}

/** Differences between every replica and Postgres, every table of every scope, now. */
export async function scopeDifferences(
  database: ServerDatabase,
  replicas: readonly Replica[],
): Promise<ConvergenceReport> {
  const planner = new SnapshotPlanner(database);
  const all = await Promise.all(replicas.map((r) => replicaDifferences(database, planner, r)));
  return { differences: all.flatMap((r) => r.differences), replicas: all.map((r) => r.summary) };
}

/**
 * Waits for every replica to equal Postgres in every table of its scope (the last shape batches may
 * land a moment after a drain, and server jobs may still be writing) and reports what still differs
 * after `timeoutMs` (nothing when converged). Differences whose key is in `known` (reported by an
 * earlier check) are left out.
 */
export async function awaitConvergence(
  database: ServerDatabase,
  replicas: readonly Replica[],
  options: { timeoutMs?: number; known?: ReadonlySet<string> } = {},
): Promise<ConvergenceReport> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    const report = await scopeDifferences(database, replicas);
    const differences = report.differences.filter((d) => !options.known?.has(d.key));
    if (differences.length === 0 || Date.now() > deadline) return { ...report, differences };
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** One line per difference, grouped by workstation and table; at most `limit` lines. */
export function describeDifferences(diffs: readonly Difference[], limit = 40): string {
  const counts = new Map<string, number>();
  for (const d of diffs) {
    const k = `${d.station} (${d.kind}) ${d.table} ${d.problem}`;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const summary = [...counts].map(([k, n]) => `${k}: ${n}`);
  const lines = diffs
    .slice(0, limit)
    .map(
      (d) =>
        `${d.station} (${d.kind}) ${d.table} ${d.rowId}${d.column ? `.${d.column}` : ''}: ${d.problem}: ${d.detail}`,
    );
  const more = diffs.length > limit ? [`… and ${diffs.length - limit} more`] : [];
  return [`${diffs.length} differences: ${summary.join('; ')}`, ...lines, ...more].join('\n');
}
