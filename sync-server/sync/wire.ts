/**
 * How rows look on the Electric wire: the `electric-schema` header (Postgres type names) and values
 * as Postgres-style text that the official client parses back by type.
 */
import { quoteIdent } from '../../db/primitives/index.ts';
import type { AnyTableModel, ColumnKind } from '../../db/schema/dsl.ts';

const PG_TYPE: Record<ColumnKind, string> = {
  uuid: 'uuid',
  text: 'text',
  int: 'int4',
  bigint: 'int8',
  money: 'int8',
  real: 'float8',
  bool: 'bool',
  timestamp: 'timestamptz',
  date: 'date',
  json: 'jsonb',
};

export interface ElectricColumn {
  type: string;
  not_null?: boolean;
  pk_index?: number;
}

export function electricSchema(table: AnyTableModel): Record<string, ElectricColumn> {
  const schema: Record<string, ElectricColumn> = {};
  for (const [name, meta] of Object.entries(table.columns)) {
    schema[name] = {
      type: PG_TYPE[meta.kind],
      ...(meta.notNull ? { not_null: true } : {}),
      ...(name === 'id' ? { pk_index: 0 } : {}),
    };
  }
  return schema;
}

/** The stable per-row key Electric's client indexes rows by. */
export const rowKey = (table: string, id: string) => `"public"."${table}"/"${id}"`;

/** A SQL expression rendering one column of `alias` as the wire text (NULL stays NULL). */
function columnTextSql(kind: ColumnKind, ref: string): string {
  if (kind === 'timestamp') return `to_char(${ref} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  return `${ref}::text`;
}

/**
 * What a workstation is sent of each column: `null` the column as it is, else a SQL expression
 * over the row (`{r}`) sent in its place, in which `{col}` is the column (scopes.ts `columnView`).
 */
export type ColumnView = Readonly<Record<string, string | null>>;

/**
 * SQL building a change message's `value` object for a row of `table` under `alias`, entirely in
 * Postgres: the server streams the text out without parsing or re-encoding rows in Node.
 */
export function rowValueSql(table: AnyTableModel, alias: string, view: ColumnView = {}): string {
  const pairs = Object.entries(table.columns).map(([name, meta]) => {
    const ref = `${alias}.${quoteIdent(name)}`;
    const instead = view[name];
    if (instead === 'NULL' || instead === `''`) return `'${name}', ${instead}`;
    const expr = instead ? `(${instead.replaceAll('{col}', ref).replaceAll('{r}', alias)})` : ref;
    return `'${name}', ${columnTextSql(meta.kind, expr)}`;
  });
  return `json_build_object(${pairs.join(', ')})`;
}

/** SQL for the key of a row of `table` under `alias`. */
export const rowKeySql = (table: string, alias: string) =>
  `'"public"."${table}"/"' || ${alias}.id::text || '"'`;

/** A change message as JSON text, built in SQL. `operation` is a SQL expression yielding the operation name. */
export function changeMessageSql(
  table: AnyTableModel,
  alias: string,
  operation: string,
  view: ColumnView = {},
): string {
  return `json_build_object('key', ${rowKeySql(table.name, alias)}, 'value', ${rowValueSql(table, alias, view)}, 'headers', json_build_object('operation', ${operation}))::text`;
}

export const deleteMessage = (table: string, id: string) =>
  JSON.stringify({ key: rowKey(table, id), value: { id }, headers: { operation: 'delete' } });
