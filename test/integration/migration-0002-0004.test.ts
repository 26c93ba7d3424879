/**
 * The migrations between `0001` and `0005` from a database holding data (style rule 22): each test
 * migrates to the version before, writes rows, migrates to the newest and reads every field back.
 * - Postgres `0002_chart_views`: a new table; a user already there can be its author, a missing one not.
 * - Postgres `0003_login_throttles`: every credential keeps every field and must not change its
 *   password; one throttle row per account and client address.
 * - Postgres `0004_change_log_via`: every change-log entry keeps every field (its 64-bit numbers exact)
 *   with no `via`; new entries can carry one.
 * - SQLite `0003_chart_views`: a new table beside the patients already on the workstation.
 * - SQLite `0004_offline_totp`: every offline user keeps every field, with no TOTP until the next
 *   online sign-in stores one.
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

/** The migrations folder as it stood before the migration tagged `tag`. */
const migrationsBefore = (folder: string, tag: string) => migrationsWhere(folder, (e) => e.tag < tag);

const ID = (n: number) => `0190a3c4-6f2e-7b1a-8c3d-${String(n).padStart(12, '0')}`;
const NOW = '2026-12-01T10:00:00.000Z';
const at = (iso: string) => new Date(iso);

/** A fresh Postgres database migrated to just before `tag`, filled by `fill`, then migrated to the newest. */
async function pgMigratedWith(
  tag: string,
  fill: (pool: pg.Pool) => Promise<void>,
  check: (pool: pg.Pool) => Promise<void>,
): Promise<void> {
  const fresh = await createTestDatabase(`hms_mig${tag.slice(0, 4)}`);
  const pool = new pg.Pool({ connectionString: fresh.url, max: 2 });
  try {
    await migratePg(drizzlePg(pool), { migrationsFolder: migrationsBefore(PG_MIGRATIONS, tag) });
    await fill(pool);
    await migratePg(drizzlePg(pool), { migrationsFolder: PG_MIGRATIONS });
    await check(pool);
  } finally {
    await pool.end();
    await fresh.drop();
  }
}

/** Whether `table` (or its `column`) exists yet: proves the database really is the version before. */
async function pgHas(pool: pg.Pool, table: string, column?: string): Promise<boolean> {
  const { rows } = await pool.query(
    `SELECT 1 FROM information_schema.columns WHERE table_name = $1 AND ($2::text IS NULL OR column_name = $2)`,
    [table, column ?? null],
  );
  return rows.length > 0;
}

/** A doctor's role and account, as an older server holds them. */
const insertUser = (pool: pg.Pool) =>
  pool.query(
    `WITH r AS (INSERT INTO roles (id, name) VALUES ($1, 'doctor') RETURNING id)
     INSERT INTO users (id, created_at, updated_at, username, first_name, last_name, role_id)
     SELECT $2, $3, $3, 'doc', 'Awa', 'Jallow', id FROM r`,
    [ID(1), ID(2), NOW],
  );

/** A workstation file migrated to just before `tag` (the key set first, as the app does). */
function sqliteBefore(tag: string, prefix: string): { file: string; before: Database.Database } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  const file = join(dir, 'ws.db');
  const before = new Database(file);
  before.pragma("key='k'");
  registerSearchFunctions(before);
  migrateSqlite(drizzleSqlite(before), { migrationsFolder: migrationsBefore(sqliteMigrations(), tag) });
  return { file, before };
}

describe('migrations 0002 to 0004 on Postgres, from a database holding data', () => {
  it('0002_chart_views: the users stay as they were, a chart view can name one as its author', async () => {
    let usersBefore: unknown[] = [];
    await pgMigratedWith(
      '0002',
      async (pool) => {
        expect(await pgHas(pool, 'chart_views')).toBe(false);
        await insertUser(pool);
        usersBefore = (await pool.query('SELECT * FROM users')).rows;
      },
      async (pool) => {
        expect(usersBefore).toHaveLength(1);
        expect((await pool.query('SELECT * FROM users')).rows).toEqual(usersBefore);
        await pool.query(
          `INSERT INTO chart_views (id, created_at, updated_at, created_by, updated_by, patient_id, viewed_at)
           VALUES ($1, $2, $2, $3, $3, $4, $2)`,
          [ID(10), NOW, ID(2), ID(11)],
        );
        expect((await pool.query('SELECT * FROM chart_views')).rows).toEqual([
          {
            id: ID(10),
            created_at: at(NOW),
            updated_at: at(NOW),
            created_by: ID(2),
            updated_by: ID(2),
            deleted_at: null,
            version: 1,
            patient_id: ID(11),
            viewed_at: at(NOW),
          },
        ]);
        await expect(
          pool.query(`INSERT INTO chart_views (created_by, patient_id, viewed_at) VALUES ($1, $2, $3)`, [
            ID(99),
            ID(11),
            NOW,
          ]),
        ).rejects.toThrow(/chart_views_created_by_users_id_fk/);
      },
    );
  });

  it('0003_login_throttles: credentials keep every field and need no password change; one throttle per user and client', async () => {
    const CREDENTIAL = {
      id: ID(20),
      created_at: at('2026-10-01T08:00:00.000Z'),
      user_id: ID(2),
      password_hash: '$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA',
      totp_secret_enc: 'enc:v1:secret',
      totp_enabled: true,
      totp_last_step: 59_000_123,
      failed_attempts: 2,
      locked_until: at('2026-12-01T10:15:00.000Z'),
      password_changed_at: at('2026-10-02T09:30:00.123Z'),
      last_login_at: at('2026-11-30T17:45:12.456Z'),
    };
    await pgMigratedWith(
      '0003',
      async (pool) => {
        expect(await pgHas(pool, 'login_throttles')).toBe(false);
        expect(await pgHas(pool, 'user_credentials', 'must_change_password')).toBe(false);
        await insertUser(pool);
        const c = CREDENTIAL;
        await pool.query(
          `INSERT INTO user_credentials (id, created_at, user_id, password_hash, totp_secret_enc, totp_enabled,
             totp_last_step, failed_attempts, locked_until, password_changed_at, last_login_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
          [
            c.id,
            c.created_at,
            c.user_id,
            c.password_hash,
            c.totp_secret_enc,
            c.totp_enabled,
            c.totp_last_step,
            c.failed_attempts,
            c.locked_until,
            c.password_changed_at,
            c.last_login_at,
          ],
        );
      },
      async (pool) => {
        expect((await pool.query('SELECT * FROM user_credentials')).rows).toEqual([
          { ...CREDENTIAL, must_change_password: false },
        ]);
        const throttle = `INSERT INTO login_throttles (id, created_at, user_id, client, failures, locked_until)
                          VALUES ($1, $2, $3, $4, $5, $6)`;
        await pool.query(throttle, [ID(30), NOW, ID(2), '10.0.0.7', 3, NOW]);
        await pool.query(throttle, [ID(31), NOW, ID(2), '10.0.0.8', 1, null]);
        expect((await pool.query('SELECT * FROM login_throttles ORDER BY client')).rows).toEqual([
          {
            id: ID(30),
            created_at: at(NOW),
            user_id: ID(2),
            client: '10.0.0.7',
            failures: 3,
            locked_until: at(NOW),
          },
          {
            id: ID(31),
            created_at: at(NOW),
            user_id: ID(2),
            client: '10.0.0.8',
            failures: 1,
            locked_until: null,
          },
        ]);
        await expect(pool.query(throttle, [ID(32), NOW, ID(2), '10.0.0.7', 0, null])).rejects.toThrow(
          /login_throttles_user_id_client_key/,
        );
        await expect(pool.query(throttle, [ID(33), NOW, ID(99), '10.0.0.9', 0, null])).rejects.toThrow(
          /login_throttles_user_id_users_id_fk/,
        );
      },
    );
  });

  it('0004_change_log_via: every entry keeps every field with no via; new entries carry one', async () => {
    // Beyond 2^53: a migration that passed the numbers through a float would change them.
    const ENTRIES = [
      {
        id: ID(40),
        created_at: at('2026-11-30T08:00:00.000Z'),
        seq: '9007199254740993',
        tx_id: '9007199254740995',
        table_name: 'patients',
        row_id: ID(41),
        operation: 'insert',
        new_row: { id: ID(41), mrn: 'P-OLD-000001', version: 1 },
        old_row: null,
      },
      {
        id: ID(42),
        created_at: at('2026-11-30T08:00:01.000Z'),
        seq: '9007199254740994',
        tx_id: '9007199254740997',
        table_name: 'patients',
        row_id: ID(41),
        operation: 'update',
        new_row: { id: ID(41), mrn: 'P-OLD-000001', version: 2, notes: ['a', 'b'] },
        old_row: { id: ID(41), mrn: 'P-OLD-000001', version: 1 },
      },
      {
        id: ID(43),
        created_at: at('2026-11-30T08:00:02.000Z'),
        seq: '9007199254740996',
        tx_id: '9007199254740999',
        table_name: 'allergies',
        row_id: ID(44),
        operation: 'delete',
        new_row: null,
        old_row: { id: ID(44), allergen: 'penicillin' },
      },
    ];
    await pgMigratedWith(
      '0004',
      async (pool) => {
        expect(await pgHas(pool, 'change_log', 'via')).toBe(false);
        for (const e of ENTRIES)
          await pool.query(
            `INSERT INTO change_log (id, created_at, seq, tx_id, table_name, row_id, operation, new_row, old_row)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb)`,
            [
              e.id,
              e.created_at,
              e.seq,
              e.tx_id,
              e.table_name,
              e.row_id,
              e.operation,
              e.new_row && JSON.stringify(e.new_row),
              e.old_row && JSON.stringify(e.old_row),
            ],
          );
      },
      async (pool) => {
        expect((await pool.query('SELECT * FROM change_log ORDER BY seq')).rows).toEqual(
          ENTRIES.map((e) => ({ ...e, via: null })),
        );
        await pool.query(
          `INSERT INTO change_log (seq, tx_id, table_name, row_id, operation, new_row, via)
           VALUES (9007199254740998, 9007199254741001, 'patients', $1, 'update', '{}'::jsonb, 'app')`,
          [ID(41)],
        );
        expect((await pool.query('SELECT seq, via FROM change_log ORDER BY seq')).rows).toEqual([
          { seq: '9007199254740993', via: null },
          { seq: '9007199254740994', via: null },
          { seq: '9007199254740996', via: null },
          { seq: '9007199254740998', via: 'app' },
        ]);
      },
    );
  });
});

describe('migrations 0003 and 0004 on SQLite, from a workstation holding data', () => {
  it('0003_chart_views: the patients stay as they were, a chart view of one is stored whole', () => {
    const { file, before } = sqliteBefore('0003', 'hms-mig3-');
    expect(before.prepare(`SELECT name FROM sqlite_master WHERE name = 'chart_views'`).all()).toEqual([]);
    before
      .prepare(
        `INSERT INTO patients (id, created_at, updated_at, version, mrn, first_name, last_name, date_of_birth, gender)
         VALUES (?, ?, ?, 4, 'P-OLD-000001', 'Awa', 'Jallow', '1970-01-01', 'female')`,
      )
      .run(ID(50), NOW, NOW);
    const patientsBefore = before.prepare('SELECT * FROM patients').all();
    const searchBefore = before.prepare('SELECT * FROM patient_search').all();
    before.close();
    expect(patientsBefore).toHaveLength(1);
    expect(searchBefore).toHaveLength(1);

    const after = openLocalDatabase({ path: file, key: 'k' });
    try {
      const q = (sql: string, ...args: unknown[]) => after.sqlite.prepare(sql).all(...args);
      expect(q('SELECT * FROM patients')).toEqual(patientsBefore);
      expect(q('SELECT * FROM patient_search')).toEqual(searchBefore);
      after.sqlite
        .prepare(
          `INSERT INTO chart_views (id, created_at, updated_at, created_by, updated_by, patient_id, viewed_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(ID(51), NOW, NOW, ID(52), ID(52), ID(50), NOW);
      expect(q('SELECT * FROM chart_views')).toEqual([
        {
          id: ID(51),
          created_at: NOW,
          updated_at: NOW,
          created_by: ID(52),
          updated_by: ID(52),
          deleted_at: null,
          version: 1,
          patient_id: ID(50),
          viewed_at: NOW,
        },
      ]);
      expect(q(`SELECT name FROM pragma_index_list('chart_views') WHERE origin = 'c'`)).toEqual([
        { name: 'chart_views_patient_id_idx' },
      ]);
    } finally {
      after.close();
    }
  });

  it('0004_offline_totp: offline users keep every field, with no TOTP stored yet', () => {
    const USERS = [
      {
        id: ID(60),
        created_at: '2026-11-01T07:00:00.000Z',
        user_id: ID(61),
        username: 'doc',
        verifier: '$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA',
        role: 'doctor',
        first_name: 'Awa',
        last_name: 'Jallow',
        grant: '{"grant_id":"g-1","sig":"abc"}',
        last_online_login_at: '2026-11-30T17:45:12.456Z',
      },
      {
        id: ID(62),
        created_at: '2026-11-02T07:00:00.000Z',
        user_id: ID(63),
        username: 'nurse',
        verifier: '$argon2id$v=19$m=65536,t=3,p=4$c2FsdDI$aGFzaDI',
        role: 'nurse',
        first_name: 'Mohamed',
        last_name: 'Ottieno',
        grant: '{"grant_id":"g-2","sig":"def"}',
        last_online_login_at: '2026-11-29T06:00:00.000Z',
      },
    ];
    const { file, before } = sqliteBefore('0004', 'hms-mig4-');
    expect(
      before.prepare(`SELECT name FROM pragma_table_info('offline_users') WHERE name LIKE 'totp%'`).all(),
    ).toEqual([]);
    const insert = before.prepare(
      `INSERT INTO offline_users (id, created_at, user_id, username, verifier, role, first_name, last_name, "grant", last_online_login_at)
       VALUES (@id, @created_at, @user_id, @username, @verifier, @role, @first_name, @last_name, @grant, @last_online_login_at)`,
    );
    for (const u of USERS) insert.run(u);
    before.close();

    const after = openLocalDatabase({ path: file, key: 'k' });
    try {
      const q = (sql: string, ...args: unknown[]) => after.sqlite.prepare(sql).all(...args);
      expect(q('SELECT * FROM offline_users ORDER BY id')).toEqual(
        USERS.map((u) => ({ ...u, totp_wrapped: null, totp_last_step: null })),
      );
      after.sqlite
        .prepare(`UPDATE offline_users SET totp_wrapped = ?, totp_last_step = ? WHERE id = ?`)
        .run('wrapped:v1:xyz', 59_000_123, ID(60));
      expect(q('SELECT id, totp_wrapped, totp_last_step FROM offline_users ORDER BY id')).toEqual([
        { id: ID(60), totp_wrapped: 'wrapped:v1:xyz', totp_last_step: 59_000_123 },
        { id: ID(62), totp_wrapped: null, totp_last_step: null },
      ]);
    } finally {
      after.close();
    }
  });
});
