/**
 * The change-log compaction job, run through the scheduler on Postgres and on the embedded PGlite:
 * it drops the entries older than the retention window and raises the floor, and a second run
 * while the first holds the job's lock is skipped, not run twice.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/support/postgres.ts';
import { type Database, openDatabase } from '../platform/database.ts';
import { createLogger } from '../platform/log.ts';
import { logPosition } from '../sync/change-log.ts';
import { COMPACTION_JOB, compactionJob } from './compaction.ts';
import { type Job, Scheduler } from './scheduler.ts';

const log = createLogger('silent');

/** A job that waits for `release()` inside its run, i.e. while holding its lock. */
function held(job: Job): { job: Job; started: Promise<void>; release: () => void } {
  let release!: () => void;
  let started!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const running = new Promise<void>((r) => {
    started = r;
  });
  return {
    job: {
      ...job,
      run: async (query, tx) => {
        started();
        await gate;
        return job.run(query, tx);
      },
    },
    started: running,
    release,
  };
}

describe.each([
  ['Postgres', false],
  ['PGlite', true],
] as const)('change-log compaction through the scheduler on %s', (_name, embedded) => {
  let database: Database;
  let fresh: { url: string; drop: () => Promise<void> } | null = null;
  const now = () => new Date();

  const addEntries = (ageDays: number, n: number) =>
    database.query(
      `INSERT INTO change_log (seq, tx_id, table_name, row_id, operation, new_row, created_at)
       SELECT nextval('change_log_seq'), 1, 'patients', $1::uuid, 'insert', '{}'::jsonb, now() - make_interval(days => $2)
       FROM generate_series(1, $3)`,
      [randomUUID(), ageDays, n],
    );
  const entries = async () =>
    Number((await database.query<{ n: string }>('SELECT count(*)::text AS n FROM change_log'))[0]?.n);

  beforeAll(async () => {
    fresh = embedded ? null : await createTestDatabase('hms_jobs');
    database = await openDatabase({ url: fresh?.url });
  });

  afterAll(async () => {
    await database?.close();
    await fresh?.drop();
  });

  it('drops the entries older than the retention window and raises the floor', async () => {
    // A 300-day window: the 500-day-old entries go, the 200-day-old ones stay.
    await addEntries(500, 3);
    await addEntries(200, 2);
    const before = await entries();
    const scheduler = new Scheduler(database, log);
    scheduler.add(compactionJob({ retentionDays: 300, now }));
    expect(await scheduler.run(COMPACTION_JOB)).toMatchObject({ status: 'ran' });
    expect(await entries()).toBe(before - 3);
    const [oldest] = await database.query<{ seq: string }>('SELECT min(seq)::text AS seq FROM change_log');
    expect((await logPosition(database)).floor).toBe(Number(oldest?.seq) - 1);
    await scheduler.stop();
  });

  it('skips a second run of the job while the first holds its lock', async () => {
    await addEntries(500, 2);
    const scheduler = new Scheduler(database, log);
    const slow = held(compactionJob({ retentionDays: 300, now }));
    scheduler.add(slow.job);
    const first = scheduler.run(COMPACTION_JOB);
    await slow.started;
    expect(await scheduler.run(COMPACTION_JOB)).toEqual({ status: 'skipped', reason: 'running here' });
    slow.release();
    expect(await first).toMatchObject({ status: 'ran' });
    await scheduler.stop();
  });

  // A second instance needs a second connection to the same database: Postgres only (PGlite's
  // embedded database has one connection, and the in-process guard above covers it).
  const onPostgres = embedded ? () => {} : it;
  onPostgres('skips the run in a second server instance while the first holds the lock', async () => {
    const other = await openDatabase({ url: fresh?.url });
    try {
      const here = new Scheduler(database, log);
      const there = new Scheduler(other, log);
      const slow = held(compactionJob({ retentionDays: 300, now }));
      here.add(slow.job);
      there.add(compactionJob({ retentionDays: 300, now }));
      const first = here.run(COMPACTION_JOB);
      await slow.started;
      expect(await there.run(COMPACTION_JOB)).toEqual({
        status: 'skipped',
        reason: 'locked by another instance',
      });
      slow.release();
      expect(await first).toMatchObject({ status: 'ran' });
      // The lock ends with the run's transaction: the other instance runs the next time.
      expect(await there.run(COMPACTION_JOB)).toMatchObject({ status: 'ran' });
      await Promise.all([here.stop(), there.stop()]);
    } finally {
      await other.close();
    }
  });

  it('runs a job on its schedule until stopped', async () => {
    const scheduler = new Scheduler(database, log);
    let runs = 0;
    scheduler.add({
      name: 'every-second',
      schedule: '* * * * * *',
      lockKey: 7_399_999,
      run: async () => {
        runs++;
        return undefined;
      },
    });
    scheduler.start();
    await expect.poll(() => runs, { timeout: 3_000 }).toBeGreaterThan(0);
    await scheduler.stop();
    const stopped = runs;
    await new Promise((r) => setTimeout(r, 1_200));
    expect(runs).toBe(stopped);
  });
});
