/**
 * The audit jobs run through the scheduler on both databases. On the embedded PGlite (one
 * connection) a job that used the database instead of the scheduler's transaction waited for that
 * very transaction forever: the whole server stopped a minute after start.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/support/postgres.ts';
import { loadServerKeys } from '../auth/secrets.ts';
import { testConfig } from '../config.ts';
import { type Database, openDatabase } from '../platform/database.ts';
import { createLogger } from '../platform/log.ts';
import { AUDIT_CHECK_JOB, auditCheckJob } from './audit-check.ts';
import { PLAIN_SQL_AUDIT_JOB, plainSqlAuditJob } from './plain-sql-audit.ts';
import { Scheduler } from './scheduler.ts';

describe.each([
  ['Postgres', false],
  ['PGlite', true],
] as const)('the audit jobs through the scheduler on %s', (_name, embedded) => {
  let database: Database;
  let fresh: { url: string; drop: () => Promise<void> } | null = null;

  beforeAll(async () => {
    fresh = embedded ? null : await createTestDatabase('hms_auditjobs');
    database = await openDatabase({ url: fresh?.url });
    await loadServerKeys(database.db, testConfig());
  });
  afterAll(async () => {
    await database?.close();
    await fresh?.drop();
  });

  it('run to the end inside the scheduler’s transaction', { timeout: 15_000 }, async () => {
    const scheduler = new Scheduler(database, createLogger('silent'));
    scheduler.add(plainSqlAuditJob());
    scheduler.add(auditCheckJob());
    expect(await scheduler.run(PLAIN_SQL_AUDIT_JOB)).toMatchObject({ status: 'ran' });
    expect(await scheduler.run(AUDIT_CHECK_JOB)).toMatchObject({ status: 'ran' });
    await scheduler.stop();
  });
});
