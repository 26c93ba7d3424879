/**
 * Patient search and duplicate candidates over the local replica. (Interim: LIKE over the indexed
 * columns; replaced by the FTS5 trigram index.)
 */
import type Database from 'better-sqlite3';
import type { DuplicateReason, MatchKind } from '../../../common/patients.ts';

export interface SearchHit {
  id: string;
  match: MatchKind;
}

export interface DuplicateHit {
  id: string;
  reasons: DuplicateReason[];
}

export class PatientSearch {
  constructor(private readonly sqlite: Database.Database) {}

  search(query: string, page: { limit: number; offset: number }): SearchHit[] {
    const q = query.trim();
    if (q === '') return [];
    const like = `%${q.replaceAll('%', '').replaceAll('_', '')}%`;
    const rows = this.sqlite
      .prepare(
        `SELECT id FROM patients WHERE deleted_at IS NULL AND merged_into_id IS NULL
           AND (mrn LIKE ? OR first_name || ' ' || last_name LIKE ? OR phone LIKE ? OR national_id LIKE ?)
         ORDER BY last_name, first_name, id LIMIT ? OFFSET ?`,
      )
      .all(like, like, like, like, page.limit, page.offset) as { id: string }[];
    return rows.map((r) => ({ id: r.id, match: 'text' }));
  }

  duplicates(p: {
    first_name: string;
    last_name: string;
    date_of_birth: string;
    phone?: string | null | undefined;
    national_id?: string | null | undefined;
  }): DuplicateHit[] {
    const rows = this.sqlite
      .prepare(
        `SELECT id, (lower(first_name) = lower(?) AND lower(last_name) = lower(?) AND date_of_birth = ?) AS name_dob,
            (phone IS NOT NULL AND phone = ?) AS phone, (national_id IS NOT NULL AND national_id = ?) AS nid
         FROM patients WHERE deleted_at IS NULL AND merged_into_id IS NULL
           AND ((lower(first_name) = lower(?) AND lower(last_name) = lower(?) AND date_of_birth = ?)
             OR (phone IS NOT NULL AND phone = ?) OR (national_id IS NOT NULL AND national_id = ?))
         LIMIT 20`,
      )
      .all(
        p.first_name,
        p.last_name,
        p.date_of_birth,
        p.phone ?? null,
        p.national_id ?? null,
        p.first_name,
        p.last_name,
        p.date_of_birth,
        p.phone ?? null,
        p.national_id ?? null,
      ) as { id: string; name_dob: number; phone: number; nid: number }[];
    return rows.map((r) => ({
      id: r.id,
      reasons: [
        ...(r.name_dob ? (['name_and_birth_date'] as const) : []),
        ...(r.phone ? (['phone'] as const) : []),
        ...(r.nid ? (['national_id'] as const) : []),
      ],
    }));
  }
}
