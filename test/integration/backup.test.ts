/**
 * Nightly backups (issue 10): a seeded hospital backed up by the scheduler's job, restored into an
 * empty database, and every row found again, on real Postgres (pg_dump / pg_restore) and on the
 * embedded PGlite (its own dump). Old backups beyond the kept number go; a restore refuses a target
 * that holds data; each run is in the audit trail.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BACKUP_JOB, backupJob, writeBackup } from '../../sync-server/jobs/backup.ts';
import { RestoreError, restoreBackup } from '../../sync-server/jobs/restore.ts';
import { Scheduler } from '../../sync-server/jobs/scheduler.ts';
import { type Database, openDatabase } from '../../sync-server/platform/database.ts';
import { createLogger } from '../../sync-server/platform/log.ts';
import { seedDemo } from '../../sync-server/seed.ts';
import { createTestDatabase } from '../support/postgres.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/** Row counts of every table of the public schema. */
async function counts(database: Database): Promise<Record<string, number>> {
  const tables = await database.query<{ t: string }>(
    `SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`,
  );
  const out: Record<string, number> = {};
  for (const { t } of tables)
    out[t] = Number((await database.query<{ n: string }>(`SELECT count(*)::text AS n FROM "${t}"`))[0]?.n);
  return out;
}

describe.each([
  ['real Postgres', false],
  ['embedded PGlite', true],
] as const)('backups on %s', (_name, embedded) => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('backs up a seeded hospital on schedule, keeps the newest, and restores every row into an empty database', async () => {
    const server: TestServer = await startTestServer({ embedded });
    cleanups.push(() => server.close());
    await seedDemo(server.database, { patients: 60 });
    const dir = mkdtempSync(join(tmpdir(), 'hms-backups-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const url = embedded ? undefined : await databaseUrlOf(server);
    const config = { dir, keep: 2, schedule: '30 2 * * *', databaseUrl: url };

    // Two older backups, then the scheduled one: three made, the newest two kept.
    await writeBackup(server.database, config, new Date('2031-01-01T02:30:00Z'));
    await writeBackup(server.database, config, new Date('2031-01-02T02:30:00Z'));
    // What the scheduled backup holds: the run's own audit record comes after its copy.
    const before = await counts(server.database);
    const scheduler = new Scheduler(server.database, createLogger('silent'));
    scheduler.add(backupJob(server.database, config, () => new Date('2031-01-03T02:30:00Z')));
    expect(await scheduler.run(BACKUP_JOB)).toMatchObject({ status: 'ran' });
    // Admins see the run (GET /api/jobs serves this history).
    const [history] = scheduler.history();
    expect(history).toMatchObject({ name: BACKUP_JOB, running: false });
    expect(history?.runs[0]).toMatchObject({ status: 'ran', detail: { removed: 1 } });
    const files = readdirSync(dir).sort();
    expect(files).toEqual(
      embedded
        ? ['hms-20310102T023000Z.pglite.tar.gz', 'hms-20310103T023000Z.pglite.tar.gz']
        : ['hms-20310102T023000Z.dump', 'hms-20310103T023000Z.dump'],
    );
    const [audit] = await server.database.query<{ description: string }>(
      `SELECT description FROM audit_log WHERE object_type = 'backup' ORDER BY seq DESC LIMIT 1`,
    );
    expect(audit?.description).toBe('database backed up');

    expect(before.patients).toBeGreaterThanOrEqual(60);
    const newest = join(dir, files.at(-1) as string);
    let restored: Database;
    if (embedded) {
      const target = join(mkdtempSync(join(tmpdir(), 'hms-restored-')), 'server');
      cleanups.push(() => rmSync(join(target, '..'), { recursive: true, force: true }));
      await restoreBackup(newest, { dataDir: target });
      restored = await openDatabase({ dataDir: target });
    } else {
      const empty = await createTestDatabase('hms_restored');
      cleanups.push(empty.drop);
      await restoreBackup(newest, { url: empty.url });
      restored = await openDatabase({ url: empty.url });
      // Not into a database that holds data.
      await expect(restoreBackup(newest, { url: empty.url })).rejects.toBeInstanceOf(RestoreError);
    }
    cleanups.push(() => restored.close());
    expect(await counts(restored)).toEqual(before);
    const sample = `SELECT id::text, mrn, first_name, last_name, phone FROM patients ORDER BY id LIMIT 5`;
    expect(await restored.query(sample)).toEqual(await server.database.query(sample));
  }, 180_000);
});

async function databaseUrlOf(server: TestServer): Promise<string> {
  const [row] = await server.database.query<{ db: string }>('SELECT current_database() AS db');
  return `postgres://postgres@127.0.0.1:5432/${row?.db}`;
}
