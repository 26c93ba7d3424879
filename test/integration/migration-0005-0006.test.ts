/**
 * `0005_watch_alert_kinds` and `0006_expired_dispense_alert` from a database holding data (style
 * rule 22): the alert kinds of the server's watch, then the expired-batch dispense, join the allowed
 * ones. On SQLite each rebuilds the `alerts` table to change its CHECK; every alert there before
 * keeps every field through both, and a kind outside the list is still refused.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle as drizzleSqlite } from 'drizzle-orm/better-sqlite3';
import { migrate as migrateSqlite } from 'drizzle-orm/better-sqlite3/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openLocalDatabase, sqliteMigrations } from '../../main/core/store/local-db.ts';
import { registerSearchFunctions } from '../../main/core/store/search-functions.ts';
import { PG_MIGRATIONS } from '../../sync-server/platform/database.ts';
import { migrationsWhere, removeMigrationCopies } from '../support/migrations.ts';
import { createTestDatabase } from '../support/postgres.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  removeMigrationCopies();
});

/** The migrations folder as it stood before `0005`. */
const migrationsBefore0005 = (folder: string) => migrationsWhere(folder, (e) => e.tag < '0005');

const ALERT = {
  id: '0190a3c4-6f2e-7b1a-8c3d-000000000501',
  kind: 'bed_double_occupancy',
  subject_key: 'bed-7',
  message: 'Bed 7 is occupied twice: move one patient.',
  related_ids: '["a","b"]',
};
const NOW = '2026-12-01T10:00:00.000Z';

describe('migrations 0005 and 0006, from a database holding alerts', () => {
  it('on SQLite: the rebuilt alerts table keeps every alert and takes the new kinds', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hms-mig5-'));
    dirs.push(dir);
    const file = join(dir, 'ws.db');
    const before = new Database(file);
    before.pragma("key='k'");
    registerSearchFunctions(before);
    migrateSqlite(drizzleSqlite(before), { migrationsFolder: migrationsBefore0005(sqliteMigrations()) });
    before
      .prepare(
        `INSERT INTO alerts (id, created_at, updated_at, version, kind, subject_key, message, status, related_ids)
         VALUES (?, ?, ?, 3, ?, ?, ?, 'open', ?)`,
      )
      .run(ALERT.id, NOW, NOW, ALERT.kind, ALERT.subject_key, ALERT.message, ALERT.related_ids);
    expect(() =>
      before
        .prepare(
          `INSERT INTO alerts (id, created_at, updated_at, kind, subject_key, message) VALUES ('x', ?, ?, 'low_stock', 'k', 'm')`,
        )
        .run(NOW, NOW),
    ).toThrow(/CHECK/);
    before.close();

    const after = openLocalDatabase({ path: file, key: 'k' });
    try {
      expect(
        after.sqlite
          .prepare('SELECT id, kind, subject_key, message, related_ids, version, status FROM alerts')
          .all(),
      ).toEqual([{ ...ALERT, version: 3, status: 'open' }]);
      after.sqlite
        .prepare(
          `INSERT INTO alerts (id, created_at, updated_at, kind, subject_key, message) VALUES ('y', ?, ?, 'low_stock', 'k', 'm')`,
        )
        .run(NOW, NOW);
      after.sqlite
        .prepare(
          `INSERT INTO alerts (id, created_at, updated_at, kind, subject_key, message) VALUES ('y2', ?, ?, 'expired_batch_dispensed', 'k', 'm')`,
        )
        .run(NOW, NOW);
      expect(() =>
        after.sqlite
          .prepare(
            `INSERT INTO alerts (id, created_at, updated_at, kind, subject_key, message) VALUES ('z', ?, ?, 'nonsense', 'k', 'm')`,
          )
          .run(NOW, NOW),
      ).toThrow(/CHECK/);
    } finally {
      after.close();
    }
  });

  it('on Postgres: every alert stays, the new kinds are accepted, others refused', async () => {
    const fresh = await createTestDatabase('hms_mig5');
    const pool = new pg.Pool({ connectionString: fresh.url, max: 2 });
    try {
      await migratePg(drizzlePg(pool), { migrationsFolder: migrationsBefore0005(PG_MIGRATIONS) });
      await pool.query(
        `INSERT INTO alerts (id, kind, subject_key, message, related_ids) VALUES ($1, $2, $3, $4, $5::jsonb)`,
        [ALERT.id, ALERT.kind, ALERT.subject_key, ALERT.message, ALERT.related_ids],
      );
      await migratePg(drizzlePg(pool), { migrationsFolder: PG_MIGRATIONS });
      const { rows } = await pool.query(
        `SELECT id::text, kind, subject_key, message, related_ids::text FROM alerts`,
      );
      expect(rows).toEqual([{ ...ALERT, related_ids: '["a", "b"]' }]);
      await pool.query(
        `INSERT INTO alerts (kind, subject_key, message) VALUES ('vaccination_due', 'v1', 'm'), ('expired_batch_dispensed', 'e1', 'm')`,
      );
      await expect(
        pool.query(`INSERT INTO alerts (kind, subject_key, message) VALUES ('nonsense', 'v2', 'm')`),
      ).rejects.toThrow(/alerts_kind_check/);
    } finally {
      await pool.end();
      await fresh.drop();
    }
  });
});
