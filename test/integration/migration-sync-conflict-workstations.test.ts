/**
 * `sync_conflict_workstations` (Postgres 0007, workstation 0008) from a database holding a conflict
 * (style rule 22): the conflict queue learns which PC wrote the server's value and both PCs' names.
 * A conflict recorded before keeps every field, with the new ones empty (its card then names the PCs
 * by short id), and a new conflict stores them.
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

/** The migrations folders as they stood before this migration: 0007 in Postgres, 0008 on a PC. */
const pgBefore = () => migrationsWhere(PG_MIGRATIONS, (e) => e.tag < '0007');
const sqliteBefore = () => migrationsWhere(sqliteMigrations(), (e) => e.tag < '0008');

const ID = (n: number) => `0190a3c4-6f2e-7b1a-8c3d-${String(n).padStart(12, '0')}`;
const NOW = '2026-12-01T10:00:00.000Z';
const CONFLICT = {
  id: ID(1),
  table_name: 'patients',
  row_id: ID(2),
  field: 'phone',
  kind: 'field',
  local_workstation_id: ID(3),
  local_hlc: '1796400000000-000000-desk-3',
  server_author_id: ID(4),
  server_hlc: '1796399000000-000001-desk-4',
  mutation_id: ID(5),
};
const NEW_COLUMNS = {
  server_workstation_id: null,
  local_workstation_name: null,
  server_workstation_name: null,
};
const COLUMNS = [...Object.keys(CONFLICT), ...Object.keys(NEW_COLUMNS)];

describe('migration sync_conflict_workstations, from a database holding a conflict', () => {
  it('on SQLite: the conflict stays whole, and the PCs of a new one are stored', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hms-mig-conflicts-'));
    dirs.push(dir);
    const file = join(dir, 'ws.db');
    const old = new Database(file);
    old.pragma("key='k'");
    registerSearchFunctions(old);
    migrateSqlite(drizzleSqlite(old), { migrationsFolder: sqliteBefore() });
    const keys = Object.keys(CONFLICT);
    old
      .prepare(
        `INSERT INTO sync_conflicts (created_at, updated_at, ${keys.join(', ')}) VALUES (?, ?, ${keys.map(() => '?').join(', ')})`,
      )
      .run(NOW, NOW, ...Object.values(CONFLICT));
    old.close();

    const after = openLocalDatabase({ path: file, key: 'k' });
    try {
      const select = `SELECT ${COLUMNS.join(', ')}, status FROM sync_conflicts WHERE id = ?`;
      expect(after.sqlite.prepare(select).get(CONFLICT.id)).toEqual({
        ...CONFLICT,
        ...NEW_COLUMNS,
        status: 'open',
      });
      after.sqlite
        .prepare(
          `UPDATE sync_conflicts SET server_workstation_id = ?, local_workstation_name = 'Desk 3', server_workstation_name = 'Desk 4' WHERE id = ?`,
        )
        .run(ID(6), CONFLICT.id);
      expect(after.sqlite.prepare(select).get(CONFLICT.id)).toMatchObject({
        server_workstation_id: ID(6),
        local_workstation_name: 'Desk 3',
        server_workstation_name: 'Desk 4',
      });
    } finally {
      after.close();
    }
  });

  it('on Postgres: the conflict stays whole, and the PCs of a new one are stored', async () => {
    const fresh = await createTestDatabase('hms_mig_conflicts');
    const pool = new pg.Pool({ connectionString: fresh.url, max: 2 });
    try {
      await migratePg(drizzlePg(pool), { migrationsFolder: pgBefore() });
      const keys = Object.keys(CONFLICT);
      await pool.query(
        `INSERT INTO sync_conflicts (${keys.join(', ')}) VALUES (${keys.map((_, i) => `$${i + 1}`).join(', ')})`,
        Object.values(CONFLICT),
      );
      await migratePg(drizzlePg(pool), { migrationsFolder: PG_MIGRATIONS });
      const select = `SELECT ${COLUMNS.map((c) => (c.endsWith('_id') || c === 'id' ? `${c}::text` : c)).join(', ')}, status FROM sync_conflicts`;
      expect((await pool.query(select)).rows).toEqual([{ ...CONFLICT, ...NEW_COLUMNS, status: 'open' }]);
      await pool.query(
        `UPDATE sync_conflicts SET server_workstation_id = $1, local_workstation_name = 'Desk 3', server_workstation_name = 'Desk 4'`,
        [ID(6)],
      );
      expect((await pool.query(select)).rows[0]).toMatchObject({
        server_workstation_id: ID(6),
        local_workstation_name: 'Desk 3',
        server_workstation_name: 'Desk 4',
      });
    } finally {
      await pool.end();
      await fresh.drop();
    }
  });
});
