/**
 * Many rows into one table with a single parameter: the rows travel as one JSON array and Postgres
 * spreads them with `jsonb_populate_recordset`. For the sync hot path (hundreds of rows per upload)
 * this costs one statement and almost no client-side query building.
 */
import { type SQL, sql } from 'drizzle-orm';
import { rowsOf, type ServerDb } from './database.ts';

/** The INSERT of `rows` into `table`, naming exactly `columns`. */
function jsonInsert(table: string, columns: readonly string[], rows: readonly object[]): SQL {
  const cols = sql.join(
    columns.map((c) => sql.identifier(c)),
    sql`, `,
  );
  return sql`INSERT INTO ${sql.identifier(table)} (${cols}) SELECT ${cols} FROM jsonb_populate_recordset(NULL::${sql.identifier(table)}, ${JSON.stringify(rows)}::jsonb)`;
}

/**
 * Inserts `rows` (objects keyed by column name) into `table`, naming exactly `columns`; a column not
 * named takes its default. Values must be JSON-representable in the column's type (ISO timestamps,
 * numbers, booleans, nested JSON for jsonb columns).
 */
export async function insertJsonRows(
  tx: ServerDb,
  table: string,
  columns: readonly string[],
  rows: readonly object[],
): Promise<void> {
  if (rows.length === 0) return;
  await tx.execute(jsonInsert(table, columns, rows));
}

/**
 * As `insertJsonRows`, leaving out the rows whose `id` is already taken; returns the ids inserted.
 * Any other constraint a row breaks is still an error.
 */
export async function insertNewJsonRows(
  tx: ServerDb,
  table: string,
  columns: readonly string[],
  rows: readonly object[],
): Promise<string[]> {
  if (rows.length === 0) return [];
  const res = await tx.execute(
    sql`${jsonInsert(table, columns, rows)} ON CONFLICT (id) DO NOTHING RETURNING id::text AS id`,
  );
  return rowsOf<{ id: string }>(res).map((r) => r.id);
}
