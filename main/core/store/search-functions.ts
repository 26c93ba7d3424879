/**
 * The SQLite functions the patient-search triggers call (db/migrations/sqlite/0002_patient_search.sql,
 * 0007_patient_search_identifiers.sql):
 * registered on every connection that can write `patients`, before migrations run, or such a write
 * fails with "no such function". Deterministic, so SQLite may cache and reuse their results.
 */
import type Database from 'better-sqlite3';
import { firstKey, fold, identifierText, idNorm, mrnSerial, nameKey } from '../../../db/rules/name-keys.ts';

const text = (v: unknown) => (typeof v === 'string' ? v : null);

export function registerSearchFunctions(sqlite: Database.Database): void {
  const o = { deterministic: true };
  sqlite.function('hms_fold', o, (s: unknown) => fold(text(s)));
  sqlite.function('hms_name_key', o, (s: unknown) => nameKey(text(s)));
  sqlite.function('hms_first_key', o, (s: unknown) => firstKey(text(s)));
  sqlite.function('hms_id_norm', o, (s: unknown) => idNorm(text(s)));
  sqlite.function('hms_mrn_serial', o, (s: unknown) => mrnSerial(text(s)));
  sqlite.function('hms_id_text', o, (mrn: unknown, phone: unknown, nid: unknown) =>
    identifierText(text(mrn), text(phone), text(nid)),
  );
}
