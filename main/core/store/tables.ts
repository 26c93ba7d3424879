/**
 * What the core needs to know about tables: which are synced, their columns and kinds, and how a
 * value is stored in SQLite (booleans as 0/1, JSON as text, 64-bit integers as numbers) versus how
 * the application and the wire see it (booleans, parsed JSON).
 */

import type { Row } from '../../../db/primitives/row.ts';
import { quoteIdent } from '../../../db/primitives/sql-ident.ts';
import type { AnyTableModel, ColumnMeta } from '../../../db/schema/dsl.ts';
import { tablesIn } from '../../../db/schema/index.ts';

export type SqlValue = string | number | bigint | Buffer | null;

export interface TableInfo {
  name: string;
  model: AnyTableModel;
  appendOnly: boolean;
  columns: ReadonlyMap<string, ColumnMeta>;
  /** `"col1", "col2", …` for SELECT lists. */
  selectList: string;
}

const infos = new Map<string, TableInfo>();
for (const model of tablesIn('synced')) {
  const columns = new Map(Object.entries(model.columns) as [string, ColumnMeta][]);
  infos.set(model.name, {
    name: model.name,
    model,
    appendOnly: model.appendOnly,
    columns,
    selectList: [...columns.keys()].map(quoteIdent).join(', '),
  });
}

/** A synced table known to this build, or undefined. */
export function syncedTableInfo(name: string): TableInfo | undefined {
  return infos.get(name);
}

/** An application/wire value → the value stored in SQLite for a column of `kind`. */
export function toSqlite(meta: ColumnMeta | undefined, v: unknown): SqlValue {
  if (v === undefined || v === null) return null;
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
      return v;
    case 'boolean':
      return v ? 1 : 0;
    case 'bigint':
      return Number.isSafeInteger(Number(v)) ? Number(v) : v;
    case 'object':
      if (Buffer.isBuffer(v)) return v;
      return JSON.stringify(v);
    default:
      return meta?.kind === 'json' ? JSON.stringify(v) : String(v);
  }
}

/** A value read from SQLite → the application/wire form (booleans, parsed JSON). */
export function fromSqlite(meta: ColumnMeta | undefined, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (!meta) return v;
  switch (meta.kind) {
    case 'bool':
      return v === 1 || v === 1n || v === true || v === '1' || v === 't' || v === 'true';
    case 'json':
      if (typeof v !== 'string') return v;
      try {
        return JSON.parse(v) as unknown;
      } catch {
        return v;
      }
    case 'int':
    case 'bigint':
    case 'money':
      return typeof v === 'bigint' ? Number(v) : v;
    default:
      return v;
  }
}

/** A whole stored row → application form. */
export function rowFromSqlite(info: TableInfo, raw: Row): Row {
  const out: Row = {};
  for (const [k, v] of Object.entries(raw)) out[k] = fromSqlite(info.columns.get(k), v);
  return out;
}
