/**
 * `0010_rate_limit_hits` (server) from a database holding data (style rule 22): the rows already
 * there stay, and the new table keeps one count per route and address.
 */
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { PG_MIGRATIONS } from '../../sync-server/platform/database.ts';
import { migrationsWhere, removeMigrationCopies } from '../support/migrations.ts';
import { createTestDatabase } from '../support/postgres.ts';

afterAll(() => removeMigrationCopies());

describe('migration 0010 (server), from a database holding data', () => {
  it('keeps what was there and adds rate-limit counts, one per key', async () => {
    const fresh = await createTestDatabase('hms_mig10');
    const pool = new pg.Pool({ connectionString: fresh.url, max: 2 });
    try {
      await migratePg(drizzlePg(pool), {
        migrationsFolder: migrationsWhere(PG_MIGRATIONS, (e) => e.tag < '0010'),
      });
      await pool.query(`INSERT INTO update_rings (name, release) VALUES ('pilot', '1.1.0')`);
      await pool.query(`INSERT INTO snapshot_plans (handle, boundaries) VALUES ('h1', '["a"]')`);
      expect((await pool.query(`SELECT to_regclass('rate_limit_hits') AS t`)).rows).toEqual([{ t: null }]);

      await migratePg(drizzlePg(pool), { migrationsFolder: PG_MIGRATIONS });
      expect((await pool.query('SELECT name, release FROM update_rings')).rows).toEqual([
        { name: 'pilot', release: '1.1.0' },
      ]);
      expect((await pool.query('SELECT handle FROM snapshot_plans')).rows).toEqual([{ handle: 'h1' }]);
      await pool.query(
        `INSERT INTO rate_limit_hits (key, hits, reset_at) VALUES ('POST /api/auth/login 10.0.0.1', 1, now())`,
      );
      await expect(
        pool.query(
          `INSERT INTO rate_limit_hits (key, hits, reset_at) VALUES ('POST /api/auth/login 10.0.0.1', 1, now())`,
        ),
      ).rejects.toThrow(/rate_limit_hits_key_key/);
    } finally {
      await pool.end();
      await fresh.drop();
    }
  });
});
