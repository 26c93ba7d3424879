/**
 * The committed migrations build the same synced tables on real Postgres, on embedded PGlite and on
 * workstation SQLite, and the constraints that matter hold in each.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tablesIn } from '../../db/schema/index.ts';
import { type LocalDatabase, openLocalDatabase } from '../../main/core/store/local-db.ts';
import { type Database, openDatabase } from '../../sync-server/platform/database.ts';
import { createTestDatabase } from '../support/postgres.ts';

interface ColumnInfo {
  table: string;
  column: string;
  notNull: boolean;
}

const pgColumns = async (d: Database): Promise<ColumnInfo[]> =>
  (
    await d.query<{ table_name: string; column_name: string; is_nullable: string }>(
      `SELECT table_name, column_name, is_nullable FROM information_schema.columns
       WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`,
    )
  ).map((r) => ({ table: r.table_name, column: r.column_name, notNull: r.is_nullable === 'NO' }));

const sqliteColumns = (l: LocalDatabase, tables: string[]): ColumnInfo[] =>
  tables.flatMap((t) =>
    (l.sqlite.pragma(`table_info(${t})`) as { name: string; notnull: number; pk: number }[]).map((c) => ({
      table: t,
      column: c.name,
      notNull: c.notnull === 1 || c.pk === 1,
    })),
  );

const synced = tablesIn('synced').map((t) => t.name);
const onlySynced = (cols: ColumnInfo[]) => cols.filter((c) => synced.includes(c.table));

const patient = (mrn: string) => ({
  mrn,
  first_name: 'Fatou',
  last_name: 'Jallow',
  date_of_birth: '1990-01-01',
  gender: 'female',
});

describe('migrations', () => {
  let pgTest: Awaited<ReturnType<typeof createTestDatabase>>;
  let postgres: Database;
  let pglite: Database;
  let local: LocalDatabase;
  let dir: string;

  beforeAll(async () => {
    pgTest = await createTestDatabase();
    [postgres, pglite] = await Promise.all([openDatabase({ url: pgTest.url }), openDatabase({})]);
    dir = mkdtempSync(join(tmpdir(), 'hms-mig-'));
    local = openLocalDatabase({ path: join(dir, 'ws.db'), key: 'test-key' });
  });

  afterAll(async () => {
    local?.close();
    await postgres?.close();
    await pglite?.close();
    await pgTest?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('build identical synced tables in Postgres, PGlite and SQLite', async () => {
    const real = onlySynced(await pgColumns(postgres));
    const embedded = onlySynced(await pgColumns(pglite));
    const sqlite = sqliteColumns(local, synced);
    expect(new Set(real.map((c) => c.table))).toEqual(new Set(synced));
    expect(embedded).toEqual(real);
    const key = (c: ColumnInfo) => `${c.table}.${c.column}:${c.notNull}`;
    expect(sqlite.map(key).sort()).toEqual(real.map(key).sort());
  });

  it('create server-only tables in Postgres alone and local-only tables in SQLite alone', async () => {
    const pgTables = new Set((await pgColumns(postgres)).map((c) => c.table));
    for (const t of tablesIn('server')) expect(pgTables.has(t.name), t.name).toBe(true);
    const liteTables = (
      local.sqlite.prepare(`SELECT name FROM sqlite_master WHERE type='table'`).all() as {
        name: string;
      }[]
    ).map((r) => r.name);
    for (const t of tablesIn('server')) expect(liteTables, t.name).not.toContain(t.name);
  });

  it('open the workstation database with WAL, synchronous=FULL and foreign keys', () => {
    expect(local.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(local.sqlite.pragma('synchronous', { simple: true })).toBe(2);
    expect(local.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(local.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  describe.each(['postgres', 'pglite'] as const)('constraints on %s', (kind) => {
    const d = () => (kind === 'postgres' ? postgres : pglite);
    const insertPatient = (mrn: string) =>
      d().query(
        `INSERT INTO patients (mrn, first_name, last_name, date_of_birth, gender) VALUES ($1, 'Fatou', 'Jallow', '1990-01-01', 'female')`,
        [mrn],
      );

    it('refuses a duplicate MRN', async () => {
      await insertPatient(`P-${kind}-1`);
      await expect(insertPatient(`P-${kind}-1`)).rejects.toThrow(/patients_mrn_key/);
    });

    it('refuses an unknown status and a non-positive quantity', async () => {
      await expect(
        d().query(
          `INSERT INTO patients (mrn, first_name, last_name, date_of_birth, gender) VALUES ('x','a','b','2000-01-01','robot')`,
        ),
      ).rejects.toThrow(/patients_gender_check/);
      const [p] = await d().query<{ id: string }>(`SELECT id FROM patients LIMIT 1`);
      const [bill] = await d().query<{ id: string }>(
        `INSERT INTO bills (bill_number, patient_id, issued_at) VALUES ($1, $2, now()) RETURNING id`,
        [`B-${kind}-1`, p?.id],
      );
      await expect(
        d().query(
          `INSERT INTO bill_items (bill_id, description, quantity, unit_price) VALUES ($1, 'x', 0, 100)`,
          [bill?.id],
        ),
      ).rejects.toThrow(/bill_items_quantity_check/);
      await expect(
        d().query(
          `INSERT INTO bill_items (bill_id, description, quantity, unit_price) VALUES ($1, 'x', 1, -5)`,
          [bill?.id],
        ),
      ).rejects.toThrow(/bill_items_unit_price_check/);
    });

    it('refuses a dangling reference', async () => {
      await expect(
        d().query(
          `INSERT INTO encounters (patient_id, doctor_id, notes) VALUES (gen_random_uuid(), gen_random_uuid(), 'x')`,
        ),
      ).rejects.toThrow(/foreign key/);
    });
  });

  describe('constraints on SQLite', () => {
    it('refuses a duplicate MRN, an unknown enum value and a non-positive quantity', () => {
      const ins = local.sqlite.prepare(
        `INSERT INTO patients (id, created_at, updated_at, mrn, first_name, last_name, date_of_birth, gender)
         VALUES (@id, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', @mrn, @first_name, @last_name, @date_of_birth, @gender)`,
      );
      ins.run({ id: 'a', ...patient('P-L-1') });
      expect(() => ins.run({ id: 'b', ...patient('P-L-1') })).toThrow(
        /UNIQUE constraint failed: patients.mrn/,
      );
      expect(() => ins.run({ id: 'c', ...patient('P-L-2'), gender: 'robot' })).toThrow(
        /patients_gender_check/,
      );
      expect(() =>
        local.sqlite
          .prepare(
            `INSERT INTO bill_items (id, created_at, updated_at, bill_id, description, quantity, unit_price)
             VALUES ('i', 'x', 'x', 'b', 'x', 0, 1)`,
          )
          .run(),
      ).toThrow(/bill_items_quantity_check/);
    });
  });
});
