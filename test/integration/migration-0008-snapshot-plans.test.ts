/**
 * `0008_snapshot_plans` (server) from a database holding data (style rule 22): the sync engine's
 * counters stay as they were, and the new table keeps one plan per shape handle.
 */
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { PG_MIGRATIONS } from '../../sync-server/platform/database.ts';
import { migrationsWhere, removeMigrationCopies } from '../support/migrations.ts';
import { createTestDatabase } from '../support/postgres.ts';

afterAll(() => removeMigrationCopies());

describe('migration 0008 (server), from a database holding data', () => {
  it('keeps the counters and adds snapshot plans, one per handle', async () => {
    const fresh = await createTestDatabase('hms_mig8');
    const pool = new pg.Pool({ connectionString: fresh.url, max: 2 });
    try {
      await migratePg(drizzlePg(pool), {
        migrationsFolder: migrationsWhere(PG_MIGRATIONS, (e) => e.tag < '0008'),
      });
      await pool.query(`INSERT INTO sync_counters (key, value) VALUES ('epoch', '3'), ('floor', '41')`);
      const before = (await pool.query('SELECT key, value FROM sync_counters ORDER BY key')).rows;
      expect((await pool.query(`SELECT to_regclass('snapshot_plans') AS t`)).rows).toEqual([{ t: null }]);

      await migratePg(drizzlePg(pool), { migrationsFolder: PG_MIGRATIONS });
      expect((await pool.query('SELECT key, value FROM sync_counters ORDER BY key')).rows).toEqual(before);
      await pool.query(`INSERT INTO snapshot_plans (handle, boundaries) VALUES ('h1', '["a","b"]')`);
      expect((await pool.query('SELECT handle, boundaries FROM snapshot_plans')).rows).toEqual([
        { handle: 'h1', boundaries: ['a', 'b'] },
      ]);
      await expect(
        pool.query(`INSERT INTO snapshot_plans (handle, boundaries) VALUES ('h1', '[]')`),
      ).rejects.toThrow(/snapshot_plans_handle_key/);
    } finally {
      await pool.end();
      await fresh.drop();
    }
  });
});
