/**
 * `0009_update_rings` (server) from a database holding workstations (style rule 22): every PC
 * registered before it keeps every field and is in the `general` ring; rings are one per name.
 */
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { PG_MIGRATIONS } from '../../sync-server/platform/database.ts';
import { migrationsWhere, removeMigrationCopies } from '../support/migrations.ts';
import { createTestDatabase } from '../support/postgres.ts';

afterAll(() => removeMigrationCopies());

describe('migration 0009 (server), from a database holding workstations', () => {
  it('puts every existing PC in the general ring and keeps the rest of its row', async () => {
    const fresh = await createTestDatabase('hms_mig9');
    const pool = new pg.Pool({ connectionString: fresh.url, max: 2 });
    try {
      await migratePg(drizzlePg(pool), {
        migrationsFolder: migrationsWhere(PG_MIGRATIONS, (e) => e.tag < '0009'),
      });
      await pool.query(
        `INSERT INTO workstations (name, code, kind, token_hash, app_version) VALUES ('Front desk', 'R001', 'reception', 'h1', '1.0.0')`,
      );
      const columns = 'name, code, kind, token_hash, app_version, revoked_at';
      const [before] = (await pool.query(`SELECT ${columns} FROM workstations`)).rows;

      await migratePg(drizzlePg(pool), { migrationsFolder: PG_MIGRATIONS });
      expect((await pool.query(`SELECT ${columns}, update_ring FROM workstations`)).rows).toEqual([
        { ...before, update_ring: 'general' },
      ]);
      await pool.query(
        `INSERT INTO update_rings (name, release) VALUES ('pilot', '1.1.0'), ('general', NULL)`,
      );
      await expect(pool.query(`INSERT INTO update_rings (name) VALUES ('pilot')`)).rejects.toThrow(
        /update_rings_name_key/,
      );
    } finally {
      await pool.end();
      await fresh.drop();
    }
  });
});
