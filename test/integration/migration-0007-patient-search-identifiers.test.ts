/**
 * `0007_patient_search_identifiers` (workstation) from a database holding patients (style rule 22):
 * every patient already indexed enters the identifier-fragment index once, with its MRN, phone
 * digits and national id, and a patient merged away or deleted does not.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle as drizzleSqlite } from 'drizzle-orm/better-sqlite3';
import { migrate as migrateSqlite } from 'drizzle-orm/better-sqlite3/migrator';
import { afterAll, describe, expect, it } from 'vitest';
import { openLocalDatabase, sqliteMigrations } from '../../main/core/store/local-db.ts';
import { registerSearchFunctions } from '../../main/core/store/search-functions.ts';
import { migrationsWhere, removeMigrationCopies } from '../support/migrations.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  removeMigrationCopies();
});

const NOW = '2026-12-01T10:00:00.000Z';
const ID = (n: number) => `0190a3c4-6f2e-7b1a-8c3d-${String(n).padStart(12, '0')}`;

describe('migration 0007 (workstation), from a database holding patients', () => {
  it('indexes the identifiers of every active patient already there, and of no other', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hms-mig7-'));
    dirs.push(dir);
    const file = join(dir, 'ws.db');
    const before = new Database(file);
    before.pragma("key='k'");
    registerSearchFunctions(before);
    migrateSqlite(drizzleSqlite(before), {
      migrationsFolder: migrationsWhere(sqliteMigrations(), (e) => e.tag < '0007'),
    });
    const insert = before.prepare(
      `INSERT INTO patients (id, created_at, updated_at, mrn, first_name, last_name, date_of_birth, gender, phone, national_id, deleted_at, merged_into_id)
       VALUES (?, ?, ?, ?, ?, ?, '1980-01-01', 'female', ?, ?, ?, ?)`,
    );
    insert.run(ID(1), NOW, NOW, 'P-R1A2-000041', 'Awa', 'Jallow', '+220 7654321', 'GM-88-1234', null, null);
    insert.run(ID(2), NOW, NOW, 'P-R1A2-000042', 'Kaddy', 'Jallow', '+220 7000042', null, NOW, null);
    insert.run(ID(3), NOW, NOW, 'P-R1A2-000043', 'Awa', 'Jallow', '+220 7654399', null, null, ID(1));
    expect(before.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'patient_search_ids'`).all()).toEqual([]);
    before.close();

    const after = openLocalDatabase({ path: file, key: 'k' });
    try {
      const matching = (fragment: string) =>
        after.sqlite
          .prepare(
            `SELECT s.patient_id FROM patient_search_ids f JOIN patient_search s ON s.sid = f.rowid
             WHERE patient_search_ids MATCH ? ORDER BY s.patient_id`,
          )
          .all(`"${fragment}"`)
          .map((r) => (r as { patient_id: string }).patient_id);
      expect(matching('654321')).toEqual([ID(1)]); // the phone's end
      expect(matching('a2000041')).toEqual([ID(1)]); // the MRN's middle, without its dash
      expect(matching('881234')).toEqual([ID(1)]); // the national id
      expect(matching('7000042')).toEqual([]); // deleted
      expect(matching('654399')).toEqual([]); // merged away
      expect(after.sqlite.prepare('SELECT count(*) AS n FROM patient_search_ids').get()).toEqual({ n: 1 });
    } finally {
      after.close();
    }
  });
});
