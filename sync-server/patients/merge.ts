/**
 * Merging two records of one person (DESIGN §3), done by the server when an admin completes a merge
 * request: every row that refers to the merged record is re-pointed at the survivor, and the merged
 * record stays, marked `merged_into_id`, for the audit trail and for anyone who still holds its MRN.
 * It runs inside the transaction applying the admin's mutation, so a merge that cannot be done
 * quarantines that mutation (with the reason) instead of happening in part.
 *
 * Every change goes through the tables' triggers: versions bump, the change log carries the
 * re-pointed rows to every workstation, and a ward PC whose scope follows the patient sees the chart
 * arrive under the survivor.
 */
import { sql } from 'drizzle-orm';
import { tablesIn } from '../../db/schema/index.ts';
import { rowsOf, type ServerDb } from '../platform/database.ts';

/** Every (table, column) that refers to a patient, but the merge's own bookkeeping. */
export function patientReferences(): { table: string; column: string }[] {
  return tablesIn('synced').flatMap((t) =>
    Object.entries(t.columns)
      .filter(
        ([column, meta]) =>
          meta.references === 'patients' &&
          !(t.name === 'patients' && column === 'merged_into_id') &&
          t.name !== 'patient_merges',
      )
      .map(([column]) => ({ table: t.name, column })),
  );
}

export interface MergeInput {
  survivorId: string;
  mergedId: string;
  authorId: string;
}

export type MergeOutcome = { ok: true; repointed: Record<string, number> } | { ok: false; reason: string };

export async function mergePatients(tx: ServerDb, input: MergeInput): Promise<MergeOutcome> {
  const { survivorId, mergedId, authorId } = input;
  if (survivorId === mergedId) return { ok: false, reason: 'a record cannot be merged into itself' };
  const records = rowsOf<{
    id: string;
    merged_into_id: string | null;
    deleted_at: string | null;
    ward_id: string | null;
  }>(
    await tx.execute(
      sql`SELECT id::text AS id, merged_into_id::text AS merged_into_id, deleted_at::text AS deleted_at,
            ward_id::text AS ward_id
          FROM patients WHERE id IN (${survivorId}, ${mergedId}) ORDER BY id FOR UPDATE`,
    ),
  );
  const survivor = records.find((r) => r.id === survivorId);
  const merged = records.find((r) => r.id === mergedId);
  if (!survivor || !merged) return { ok: false, reason: 'one of the two records does not exist' };
  if (survivor.merged_into_id || merged.merged_into_id)
    return { ok: false, reason: 'one of the two records has already been merged into another' };
  if (survivor.deleted_at || merged.deleted_at)
    return { ok: false, reason: 'one of the two records is deleted' };

  const repointed: Record<string, number> = {};
  for (const { table, column } of patientReferences()) {
    const changed = rowsOf<{ n: number }>(
      await tx.execute(
        sql`WITH u AS (UPDATE ${sql.identifier(table)} SET ${sql.identifier(column)} = ${survivorId}, updated_by = ${authorId}
              WHERE ${sql.identifier(column)} = ${mergedId} RETURNING 1) SELECT count(*)::int AS n FROM u`,
      ),
    )[0]?.n;
    if (changed) repointed[`${table}.${column}`] = changed;
  }
  // The survivor takes the ward of a merged record that was admitted, so the ward keeps the chart.
  await tx.execute(
    sql`UPDATE patients SET ward_id = coalesce(ward_id, ${merged.ward_id}), updated_by = ${authorId}
        WHERE id = ${survivorId} AND ward_id IS NULL AND ${merged.ward_id}::uuid IS NOT NULL`,
  );
  await tx.execute(
    sql`UPDATE patients SET merged_into_id = ${survivorId}, ward_id = NULL, updated_by = ${authorId} WHERE id = ${mergedId}`,
  );
  return { ok: true, repointed };
}
