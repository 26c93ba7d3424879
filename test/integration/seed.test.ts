/**
 * The demo seed against real Postgres (foreign keys checked row by row as they go in) and against
 * the embedded PGlite (bulk path: keys checked once after the load).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../sync-server/auth/passwords.ts';
import { type Database, openDatabase } from '../../sync-server/platform/database.ts';
import { SeedRefusedError, type SeedSummary, seedDemo } from '../../sync-server/seed.ts';
import { createTestDatabase } from '../support/postgres.ts';

const PATIENTS = 300;

async function checkInvariants(database: Database, summary: SeedSummary): Promise<void> {
  const count = async (table: string) =>
    Number((await database.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]?.n);
  expect(await count('patients')).toBe(PATIENTS);
  for (const [table, n] of Object.entries(summary.counts)) {
    // roles may pre-exist (server bootstrap); everything else is ours alone.
    if (table !== 'roles') expect(await count(table), table).toBe(n);
  }
  const [mrn] = await database.query<{ n: number; d: number }>(
    'SELECT count(*)::int AS n, count(DISTINCT mrn)::int AS d FROM patients',
  );
  expect(mrn?.d).toBe(mrn?.n);
  const negative = await database.query<{ stock_batch_id: string }>(
    'SELECT stock_batch_id FROM stock_movements GROUP BY stock_batch_id HAVING sum(quantity) < 0',
  );
  expect(negative).toEqual([]);
  // Bills: what was paid never exceeds what was billed.
  const overpaid = await database.query<{ id: string }>(
    `SELECT b.id FROM bills b
       JOIN (SELECT bill_id, sum(quantity * unit_price) AS total FROM bill_items GROUP BY bill_id) i ON i.bill_id = b.id
       JOIN (SELECT bill_id, sum(amount) AS paid FROM payments GROUP BY bill_id) p ON p.bill_id = b.id
      WHERE p.paid > i.total`,
  );
  expect(overpaid).toEqual([]);
  // Every foreign key resolves (belt and braces on top of Postgres's own checks).
  const dangling = await database.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM encounters e WHERE NOT EXISTS (SELECT 1 FROM patients p WHERE p.id = e.patient_id)`,
  );
  expect(dangling[0]?.n).toBe(0);
  const critical = await database.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM lab_results WHERE flag IN ('critical_low', 'critical_high')`,
  );
  expect(critical[0]?.n).toBeGreaterThan(0);
  // Demo log-ins work with the documented password.
  const [cred] = await database.query<{ password_hash: string }>(
    `SELECT c.password_hash FROM user_credentials c JOIN users u ON u.id = c.user_id WHERE u.username = 'doctor1'`,
  );
  expect(await verifyPassword(cred!.password_hash, 'demo-doctor')).toBe(true);
  await expect(seedDemo(database, { patients: 5 })).rejects.toBeInstanceOf(SeedRefusedError);
}

describe('seedDemo on real Postgres (row-by-row key checks)', () => {
  let drop: () => Promise<void>;
  let database: Database;
  beforeAll(async () => {
    const created = await createTestDatabase('hms_seed');
    drop = created.drop;
    database = await openDatabase({ url: created.url });
  });
  afterAll(async () => {
    await database?.close();
    await drop?.();
  });

  it('seeds 300 patients that satisfy every constraint', async () => {
    const summary = await seedDemo(database, { patients: PATIENTS, seed: 11, bulk: false });
    expect(summary.bulk).toBe(false);
    expect(summary.totalRows).toBeGreaterThan(PATIENTS * 10);
    await checkInvariants(database, summary);
  });
});

describe('seedDemo on embedded PGlite (bulk load)', () => {
  let database: Database;
  beforeAll(async () => {
    database = await openDatabase({});
  });
  afterAll(async () => {
    await database?.close();
  });

  it('seeds 300 patients and reuses roles that already exist', async () => {
    await database.query(`INSERT INTO roles (name, description) VALUES ('doctor', 'made by the server')`);
    const indexes = `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname`;
    const before = await database.query<{ indexname: string; indexdef: string }>(indexes);
    // rebuildIndexesFrom: 1 takes the large-load path (drop secondary indexes, rebuild after).
    const summary = await seedDemo(database, { patients: PATIENTS, seed: 11, rebuildIndexesFrom: 1 });
    expect(summary.bulk).toBe(true);
    expect(await database.query(indexes)).toEqual(before);
    const doctors = await database.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM roles WHERE name = 'doctor'`,
    );
    expect(doctors[0]?.n).toBe(1);
    await checkInvariants(database, summary);
  });
});
