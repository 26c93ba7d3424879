/**
 * Every schema change after `0000_init` ships as a migration with a test that migrates a database
 * holding data from the version before to the new one (style rule 22). This one covers
 * `0001_units_rules_alerts` on Postgres and SQLite and `0002_patient_search` on SQLite:
 * - the outbox gains a transaction id (each older entry is its own unit);
 * - the server rows kept for rows with writes in flight move out of `workstation_settings`;
 * - an appointment's queue number becomes text (`12` stays `12`); a purchase order loses its typed
 *   total (derived now) and keeps everything else;
 * - patients already on a workstation enter the new search index.
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

/** The migrations folder as it stood after its first `count` migrations. */
const migrationsUpTo = (folder: string, count: number) => migrationsWhere(folder, (_e, i) => i < count);

const ID = (n: number) => `0190a3c4-6f2e-7b1a-8c3d-${String(n).padStart(12, '0')}`;
const NOW = '2026-11-02T10:00:00.000Z';

describe('migration 0001 (and 0002 on the workstation), from a database holding data', () => {
  it('on SQLite: outbox units, server rows moved out of the settings, queue numbers as text, the search index filled', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hms-mig1-'));
    dirs.push(dir);
    const file = join(dir, 'ws.db');
    const before = new Database(file);
    before.pragma("key='k'");
    migrateSqlite(drizzleSqlite(before), { migrationsFolder: migrationsUpTo(sqliteMigrations(), 1) });
    const run = (sql: string, ...args: unknown[]) => before.prepare(sql).run(...args);
    run(
      `INSERT INTO outbox (id, created_at, seq, table_name, row_id, operation, payload, author_id, hlc, device_time, status)
       VALUES (?, ?, 1, 'patients', ?, 'insert', '{}', ?, '1760000000000-000000-pc', ?, 'pending')`,
      ID(1),
      NOW,
      ID(2),
      ID(3),
      NOW,
    );
    run(
      `INSERT INTO workstation_settings (id, created_at, key, value) VALUES (?, ?, ?, ?), (?, ?, 'hlc_high_water', 'x')`,
      ID(4),
      NOW,
      `server_row:patients:${ID(2)}`,
      JSON.stringify({ id: ID(2), version: 3, first_name: 'Awa' }),
      ID(5),
      NOW,
    );
    run(
      `INSERT INTO patients (id, created_at, updated_at, mrn, first_name, last_name, date_of_birth, gender)
       VALUES (?, ?, ?, 'P-OLD-000001', 'Mohamed', 'Ottieno', '1970-01-01', 'male')`,
      ID(2),
      NOW,
      NOW,
    );
    run(
      `INSERT INTO appointments (id, created_at, updated_at, patient_id, doctor_id, date, time, queue_number)
       VALUES (?, ?, ?, ?, ?, '2026-11-03', '09:00', 12)`,
      ID(6),
      NOW,
      NOW,
      ID(2),
      ID(3),
    );
    run(
      `INSERT INTO purchase_orders (id, created_at, updated_at, order_number, supplier_id, total_amount, notes)
       VALUES (?, ?, ?, 'PO-OLD-00001', ?, 4200, 'urgent')`,
      ID(7),
      NOW,
      NOW,
      ID(8),
    );
    before.close();

    const after = openLocalDatabase({ path: file, key: 'k' });
    try {
      const q = (sql: string, ...args: unknown[]) => after.sqlite.prepare(sql).all(...args);
      expect(q('SELECT id, tx_id FROM outbox')).toEqual([{ id: ID(1), tx_id: ID(1) }]);
      expect(q('SELECT table_name, row_id, "row" FROM server_rows')).toEqual([
        {
          table_name: 'patients',
          row_id: ID(2),
          row: JSON.stringify({ id: ID(2), version: 3, first_name: 'Awa' }),
        },
      ]);
      expect(q(`SELECT key FROM workstation_settings ORDER BY key`)).toEqual([{ key: 'hlc_high_water' }]);
      expect(q('SELECT queue_number, typeof(queue_number) AS t FROM appointments')).toEqual([
        { queue_number: '12', t: 'text' },
      ]);
      expect(q('SELECT order_number, notes FROM purchase_orders')).toEqual([
        { order_number: 'PO-OLD-00001', notes: 'urgent' },
      ]);
      expect(q(`SELECT name FROM pragma_table_info('purchase_orders') WHERE name = 'total_amount'`)).toEqual(
        [],
      );
      expect(q('SELECT patient_id, ln, fn, lk, fk FROM patient_search')).toEqual([
        { patient_id: ID(2), ln: 'ottieno', fn: 'mohamed', lk: 'ATN', fk: 'MHMT' },
      ]);
    } finally {
      after.close();
    }
  });

  it('on Postgres: queue numbers as text, purchase orders without a typed total, the new tables and checks', async () => {
    const fresh = await createTestDatabase('hms_mig1');
    const pool = new pg.Pool({ connectionString: fresh.url, max: 2 });
    try {
      const db = drizzlePg(pool);
      await migratePg(db, { migrationsFolder: migrationsUpTo(PG_MIGRATIONS, 1) });
      await pool.query(
        `WITH r AS (INSERT INTO roles (name) VALUES ('doctor') RETURNING id),
              u AS (INSERT INTO users (username, first_name, last_name, role_id) SELECT 'doc', 'A', 'B', id FROM r RETURNING id),
              p AS (INSERT INTO patients (mrn, first_name, last_name, date_of_birth, gender)
                    VALUES ('P-OLD-000001', 'Awa', 'Jallow', '1970-01-01', 'female') RETURNING id),
              s AS (INSERT INTO suppliers (name) VALUES ('Supplier') RETURNING id),
              a AS (INSERT INTO appointments (patient_id, doctor_id, date, time, queue_number)
                    SELECT p.id, u.id, '2026-11-03', '09:00', 12 FROM p, u RETURNING 1)
         INSERT INTO purchase_orders (order_number, supplier_id, total_amount, notes)
         SELECT 'PO-OLD-00001', s.id, 4200, 'urgent' FROM s`,
      );
      await migratePg(db, { migrationsFolder: PG_MIGRATIONS });
      const q = async (sql: string) => (await pool.query(sql)).rows;
      expect(await q(`SELECT queue_number, pg_typeof(queue_number)::text AS t FROM appointments`)).toEqual([
        { queue_number: '12', t: 'text' },
      ]);
      expect(await q(`SELECT order_number, notes FROM purchase_orders`)).toEqual([
        { order_number: 'PO-OLD-00001', notes: 'urgent' },
      ]);
      expect(
        await q(
          `SELECT column_name FROM information_schema.columns WHERE table_name = 'purchase_orders' AND column_name = 'total_amount'`,
        ),
      ).toEqual([]);
      expect(
        (
          await q(
            `SELECT table_name FROM information_schema.tables WHERE table_name IN ('alerts', 'patient_merges') ORDER BY 1`,
          )
        ).map((r) => r.table_name),
      ).toEqual(['alerts', 'patient_merges']);
      await pool.query(`INSERT INTO wards (name, code, ward_type, capacity) VALUES ('W', 'W', 'general', 1)`);
      await expect(
        pool.query(
          `INSERT INTO admissions (patient_id, ward_id, admitted_at, discharged_at)
           SELECT p.id, w.id, '2026-11-02T10:00:00Z', '2026-11-01T10:00:00Z' FROM patients p, wards w`,
        ),
      ).rejects.toThrow(/admissions_discharge_order_check/);
    } finally {
      await pool.end();
      await fresh.drop();
    }
  });

  it('the search functions must be registered before a connection writes patients (or the write fails clearly)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hms-mig2-'));
    dirs.push(dir);
    const file = join(dir, 'ws.db');
    openLocalDatabase({ path: file, key: 'k' }).close();
    const bare = new Database(file);
    bare.pragma("key='k'");
    const insert = () =>
      bare
        .prepare(
          `INSERT INTO patients (id, created_at, updated_at, mrn, first_name, last_name, date_of_birth, gender)
           VALUES (?, ?, ?, 'P-X-000001', 'A', 'B', '1970-01-01', 'male')`,
        )
        .run(ID(9), NOW, NOW);
    expect(insert).toThrow(/no such function: hms_fold/);
    registerSearchFunctions(bare);
    expect(insert).not.toThrow();
    bare.close();
  });
});
