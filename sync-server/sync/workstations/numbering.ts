/**
 * Where a workstation's human numbers stand on the server: the highest MRN, bill, receipt, order
 * and goods-received serial already used with its code. Sent at enrolment, so a PC re-installed
 * under the same code continues after them instead of handing out `P-R1A2-000001` a second time.
 */
import { sql } from 'drizzle-orm';
import { NUMBER_KIND_NAMES, NUMBER_KINDS, type NumberKindName } from '../../../db/numbers.ts';
import { rowsOf, type ServerDb } from '../../platform/database.ts';

export async function usedSequences(
  db: ServerDb,
  code: string,
): Promise<Partial<Record<NumberKindName, number>>> {
  const out: Partial<Record<NumberKindName, number>> = {};
  for (const kind of NUMBER_KIND_NAMES) {
    const k = NUMBER_KINDS[kind];
    const prefix = `${k.prefix}-${code}-`;
    const res = rowsOf<{ n: string | null }>(
      await db.execute(
        sql`SELECT max(CAST(substring(${sql.identifier(k.column)} FROM ${`^${prefix}(\\d+)$`}) AS bigint))::text AS n
          FROM ${sql.identifier(k.table)} WHERE ${sql.identifier(k.column)} LIKE ${`${prefix}%`}`,
      ),
    );
    const n = Number(res[0]?.n ?? 0);
    if (n > 0) out[kind] = n;
  }
  return out;
}
