/**
 * The one source of truth for both dialects.
 *
 * A column is declared once with a dialect-neutral kind (`text`, `int`, `money`, `timestamp`, …) and
 * carries the matching drizzle builder for Postgres *and* for SQLite, so `table()` can produce a
 * `pgTable` and a `sqliteTable` whose TypeScript row types are exactly drizzle's own. Column keys
 * are the snake_case column names: rows look the same in Postgres, in SQLite, on the wire and in
 * the Electric shape protocol, so the sync layer never renames fields.
 */
import { type HasDefault, type NotNull, sql } from 'drizzle-orm';
import {
  type PgColumnBuilder,
  type PgColumnBuilderBase,
  bigint as pgBigint,
  boolean as pgBoolean,
  check as pgCheck,
  date as pgDate,
  doublePrecision as pgDouble,
  index as pgIndex,
  integer as pgInteger,
  jsonb as pgJsonb,
  pgTable,
  text as pgText,
  timestamp as pgTimestamp,
  uniqueIndex as pgUniqueIndex,
  uuid as pgUuid,
} from 'drizzle-orm/pg-core';
import {
  check as liteCheck,
  index as liteIndex,
  integer as liteInteger,
  real as liteReal,
  text as liteText,
  uniqueIndex as liteUniqueIndex,
  type SQLiteColumnBuilder,
  type SQLiteColumnBuilderBase,
  sqliteTable,
} from 'drizzle-orm/sqlite-core';
import { v7 as uuidv7 } from 'uuid';

/** What a column holds, independent of dialect. Sync (schema headers, value parsing) reads this. */
export type ColumnKind =
  | 'uuid'
  | 'text'
  | 'int'
  | 'bigint'
  | 'money'
  | 'real'
  | 'bool'
  | 'timestamp'
  | 'date'
  | 'json';

export interface ColumnMeta {
  kind: ColumnKind;
  notNull: boolean;
  enumValues?: readonly string[];
  /** Name of the referenced table (a Postgres foreign key; see `table()` for why SQLite has none). */
  references?: string;
  /** Integer/money columns that must be > 0 (or >= 0) get a CHECK in both dialects. */
  min?: { value: number; exclusive: boolean };
  unique: boolean;
  hasDefault: boolean;
}

// `Col<P, L>` keeps the precise drizzle builder types for inference; the methods below reach the
// concrete builder classes through these casts because drizzle's builder classes are invariant.
type AnyPg = PgColumnBuilderBase;
type AnyLite = SQLiteColumnBuilderBase;
const pgB = (b: AnyPg) => b as unknown as PgColumnBuilder;
const liteB = (b: AnyLite) => b as unknown as SQLiteColumnBuilder;

export class Col<P extends AnyPg, L extends AnyLite> {
  constructor(
    readonly pg: P,
    readonly lite: L,
    readonly meta: ColumnMeta,
  ) {}

  notNull(): Col<NotNull<P>, NotNull<L>> {
    return new Col(
      pgB(this.pg).notNull() as unknown as NotNull<P>,
      liteB(this.lite).notNull() as unknown as NotNull<L>,
      {
        ...this.meta,
        notNull: true,
      },
    );
  }

  /** A literal default, the same in both dialects. */
  default(value: string | number | boolean): Col<HasDefault<P>, HasDefault<L>> {
    return new Col(
      pgB(this.pg).default(value) as unknown as HasDefault<P>,
      liteB(this.lite).default(value) as unknown as HasDefault<L>,
      { ...this.meta, hasDefault: true },
    );
  }

  unique(): Col<P, L> {
    // Unique constraints are declared as named unique indexes by `table()`, identically for both
    // dialects, so the agreement test can compare them by name.
    return new Col(this.pg, this.lite, { ...this.meta, unique: true });
  }

  /** A reference to another table's id. Enforced by Postgres only (see `table()`). */
  references(table: string): Col<P, L> {
    return new Col(this.pg, this.lite, { ...this.meta, references: table });
  }

  /** Integer must be strictly positive (`> 0`). */
  positive(): Col<P, L> {
    return new Col(this.pg, this.lite, { ...this.meta, min: { value: 0, exclusive: true } });
  }

  /** Integer must be zero or more. */
  nonNegative(): Col<P, L> {
    return new Col(this.pg, this.lite, { ...this.meta, min: { value: 0, exclusive: false } });
  }
}

const meta = (kind: ColumnKind, extra: Partial<ColumnMeta> = {}): ColumnMeta => ({
  kind,
  notNull: false,
  unique: false,
  hasDefault: false,
  ...extra,
});

export const c = {
  uuid: () => new Col(pgUuid(), liteText(), meta('uuid')),
  text: () => new Col(pgText(), liteText(), meta('text')),
  /** A text column restricted to a closed set of values (a CHECK in both dialects). */
  enum: <const V extends readonly [string, ...string[]]>(values: V) =>
    new Col(pgText({ enum: values }), liteText({ enum: values }), meta('text', { enumValues: values })),
  int: () => new Col(pgInteger(), liteInteger(), meta('int')),
  /** Counters that may outgrow 32 bits (log sequence numbers). */
  bigint: () => new Col(pgBigint({ mode: 'number' }), liteInteger(), meta('bigint')),
  /** Money in integer minor units (bututs, cents). Never floating point. */
  money: () => new Col(pgBigint({ mode: 'number' }), liteInteger(), meta('money')),
  /** Measurements (temperature, weight): not money, so floating point is fine. */
  real: () => new Col(pgDouble(), liteReal(), meta('real')),
  bool: () => new Col(pgBoolean(), liteInteger({ mode: 'boolean' }), meta('bool')),
  /** An instant, as an ISO-8601 string (UTC, `Z`) on the workstation; `timestamptz` in Postgres. */
  timestamp: () =>
    new Col(pgTimestamp({ withTimezone: true, mode: 'string', precision: 3 }), liteText(), meta('timestamp')),
  /** A calendar date, `YYYY-MM-DD`. */
  date: () => new Col(pgDate({ mode: 'string' }), liteText(), meta('date')),
  json: <T>() => new Col(pgJsonb().$type<T>(), liteText({ mode: 'json' }).$type<T>(), meta('json')),
};

/** Columns every synced table carries (DESIGN.md §3). */
const standardColumns = () => ({
  id: new Col(
    // The SQL default serves rows written straight into Postgres (integrations, scripts); the app
    // always supplies a UUIDv7 made where the row was born.
    pgUuid().primaryKey().default(sql`gen_random_uuid()`).$defaultFn(uuidv7),
    liteText().primaryKey().$defaultFn(uuidv7),
    meta('uuid', { notNull: true, hasDefault: true }),
  ),
  created_at: new Col(
    pgTimestamp({ withTimezone: true, mode: 'string', precision: 3 })
      .notNull()
      .defaultNow()
      .$defaultFn(() => new Date().toISOString()),
    liteText()
      .notNull()
      .$defaultFn(() => new Date().toISOString()),
    meta('timestamp', { notNull: true, hasDefault: true }),
  ),
  updated_at: new Col(
    pgTimestamp({ withTimezone: true, mode: 'string', precision: 3 })
      .notNull()
      .defaultNow()
      .$defaultFn(() => new Date().toISOString()),
    liteText()
      .notNull()
      .$defaultFn(() => new Date().toISOString()),
    meta('timestamp', { notNull: true, hasDefault: true }),
  ),
  created_by: c.uuid().references('users'),
  updated_by: c.uuid().references('users'),
  deleted_at: c.timestamp(),
  version: c.int().notNull().default(1),
});

/** Server-only tables (credentials, sessions, the change log) need only an id and a creation time. */
const serverColumns = () => ({
  id: standardColumns().id,
  created_at: standardColumns().created_at,
});

/**
 * Where a table lives.
 * - `synced`: in Postgres and in workstation SQLite, same shape; carries the standard columns.
 * - `server`: Postgres only (secrets, sessions, bookkeeping a workstation must never hold).
 * - `local`: workstation SQLite only (outbox, shape offsets, offline login verifiers).
 */
export type Placement = 'synced' | 'server' | 'local';

export interface TableOptions {
  /** Clinical facts that are only ever added to (vitals, payments, movements): they never conflict. */
  appendOnly?: boolean;
  /** Plain (non-unique) indexes, each a list of columns. */
  indexes?: readonly (readonly string[])[];
  /** Composite unique keys. */
  uniques?: readonly (readonly string[])[];
  /** Extra CHECK constraints: name suffix → SQL valid in both dialects. */
  checks?: Readonly<Record<string, string>>;
}

type ColMap = Record<string, Col<AnyPg, AnyLite>>;
type PgCols<T extends ColMap> = { [K in keyof T]: T[K]['pg'] };
type LiteCols<T extends ColMap> = { [K in keyof T]: T[K]['lite'] };

export interface TableModel<N extends string, T extends ColMap> {
  name: N;
  placement: Placement;
  appendOnly: boolean;
  columns: { [K in keyof T]: ColumnMeta };
  pg: ReturnType<typeof pgTable<N, PgCols<T>>>;
  lite: ReturnType<typeof sqliteTable<N, LiteCols<T>>>;
}

/** CHECK expressions implied by column metadata (enums, minimums), shared by both dialects. */
export function columnChecks(columns: Record<string, ColumnMeta>): Record<string, string> {
  const checks: Record<string, string> = {};
  for (const [name, m] of Object.entries(columns)) {
    if (m.enumValues) {
      const list = m.enumValues.map((v) => `'${v.replaceAll("'", "''")}'`).join(', ');
      checks[name] = `"${name}" IN (${list})`;
    }
    if (m.min) checks[name] = `"${name}" ${m.min.exclusive ? '>' : '>='} ${m.min.value}`;
  }
  return checks;
}

function defineTable<const N extends string, T extends ColMap>(
  name: N,
  placement: Placement,
  cols: T,
  opts: TableOptions,
): TableModel<N, T> {
  const pgCols = {} as Record<string, AnyPg>;
  const liteCols = {} as Record<string, AnyLite>;
  const columns = {} as Record<string, ColumnMeta>;
  for (const [key, col] of Object.entries(cols)) {
    columns[key] = col.meta;
    // Foreign keys exist in Postgres only. A workstation holds a partial, eventually consistent
    // replica: shapes arrive table by table, and a ward PC may hold an encounter whose appointment
    // is outside its scope, so SQLite-level foreign keys would reject valid server rows.
    const ref = col.meta.references;
    pgCols[key] = ref ? pgB(col.pg).references(() => pgRefTarget(ref)) : col.pg;
    liteCols[key] = col.lite;
  }
  const checks = { ...columnChecks(columns), ...opts.checks };
  const uniques = [
    ...Object.entries(columns)
      .filter(([, m]) => m.unique)
      .map(([k]) => [k]),
    ...(opts.uniques ?? []),
  ];
  const indexes = opts.indexes ?? [];
  const idxName = (kind: string, colsOf: readonly string[]) => `${name}_${colsOf.join('_')}_${kind}`;

  const pg = pgTable(name, pgCols as PgCols<T>, (t) => {
    const col = (k: string) => (t as unknown as Record<string, never>)[k];
    return [
      ...uniques.map((u) => pgUniqueIndex(idxName('key', u)).on(...(u.map(col) as [never, ...never[]]))),
      ...indexes.map((i) => pgIndex(idxName('idx', i)).on(...(i.map(col) as [never, ...never[]]))),
      ...Object.entries(checks).map(([k, expr]) => pgCheck(`${name}_${k}_check`, sql.raw(expr))),
    ];
  });
  const lite = sqliteTable(name, liteCols as LiteCols<T>, (t) => {
    const col = (k: string) => (t as unknown as Record<string, never>)[k];
    return [
      ...uniques.map((u) => liteUniqueIndex(idxName('key', u)).on(...(u.map(col) as [never, ...never[]]))),
      ...indexes.map((i) => liteIndex(idxName('idx', i)).on(...(i.map(col) as [never, ...never[]]))),
      ...Object.entries(checks).map(([k, expr]) => liteCheck(`${name}_${k}_check`, sql.raw(expr))),
    ];
  });
  const model = {
    name,
    placement,
    appendOnly: opts.appendOnly ?? false,
    columns: columns as { [K in keyof T]: ColumnMeta },
    pg,
    lite,
  } as TableModel<N, T>;
  registry.set(name, model as unknown as AnyTableModel);
  return model;
}

/** A table replicated to workstations, with the standard columns of DESIGN.md §3. */
export function syncedTable<const N extends string, T extends ColMap>(
  name: N,
  cols: T,
  opts: TableOptions = {},
) {
  return defineTable(name, 'synced', { ...standardColumns(), ...cols }, opts);
}

/** A table that exists in Postgres only. */
export function serverTable<const N extends string, T extends ColMap>(
  name: N,
  cols: T,
  opts: TableOptions = {},
) {
  return defineTable(name, 'server', { ...serverColumns(), ...cols }, opts);
}

/** A table that exists in workstation SQLite only. */
export function localTable<const N extends string, T extends ColMap>(
  name: N,
  cols: T,
  opts: TableOptions = {},
) {
  return defineTable(name, 'local', { ...serverColumns(), ...cols }, opts);
}

export type AnyTableModel = TableModel<string, ColMap>;

/** Every table defined so far, by name. Foreign keys resolve through it lazily. */
export const registry = new Map<string, AnyTableModel>();

function pgRefTarget(table: string) {
  const target = registry.get(table);
  if (!target) throw new Error(`foreign key to unknown table "${table}"`);
  return (target.pg as unknown as { id: ReturnType<Parameters<PgColumnBuilder['references']>[0]> }).id;
}
