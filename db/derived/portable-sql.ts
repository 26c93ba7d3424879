/**
 * Derived values and cross-row rules are written once, as drizzle `sql` that runs unchanged on the
 * workstation's SQLite and the server's Postgres. The habits that keep it portable (each one learnt
 * from a difference between the two):
 * - sums of money and quantities are `CAST(… AS BIGINT)`: Postgres sums `bigint` into `numeric`;
 * - rounding is `floor(x + 0.5)` over integers: `round()` differs (SQLite rounds 23.45 to 23.4,
 *   Postgres's numeric to 23.5), and `CAST(real AS INTEGER)` truncates in SQLite but rounds in Postgres;
 * - dates and instants leave as `CAST(… AS TEXT)` and compare as ISO text (the workstation stores
 *   them as text; Postgres drivers would otherwise hand back `Date` objects);
 * - no `string_agg`/`group_concat`, no `::casts`, no `ILIKE`, no tuple `IN`;
 * - results pass through `numberOf` (Postgres `bigint`/`numeric` arrive as strings).
 */
import { type SQL, sql } from 'drizzle-orm';

/** `col IN (…)` over the given values; an empty list matches nothing. */
export function inList(col: SQL, values: readonly (string | number)[]): SQL {
  if (values.length === 0) return sql`1 = 0`;
  return sql`${col} IN (${sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )})`;
}

/** A number from either driver (`'1500'` from Postgres, `1500` from SQLite); null stays null. */
export function numberOf(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}

/** A derived query: the SQL both ends run, and how a result row reads. */
export interface DerivedQuery<R> {
  sql: SQL;
  read: (row: Record<string, unknown>) => R;
}
