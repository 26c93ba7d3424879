/**
 * The audit trail's check, as IT and the nightly job run it: `npm run audit:verify` in a terminal
 * against the server's real Postgres and key directory, and the job that tells the admins when the
 * trail was changed behind the application's back (here: someone lifting the trigger and deleting).
 * And changes to the data made with plain SQL, written into the trail as such.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit } from '../../sync-server/auth/audit.ts';
import { testConfig } from '../../sync-server/config.ts';
import { checkAuditTrail } from '../../sync-server/jobs/audit-check.ts';
import { auditPlainSqlChanges } from '../../sync-server/jobs/plain-sql-audit.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const run = promisify(execFile);

describe('checking the audit trail', () => {
  let server: TestServer;
  let env: Record<string, string>;

  const verifyCli = async () => {
    try {
      const { stdout } = await run(process.execPath, ['--import', 'tsx', 'sync-server/audit-cli.ts'], {
        cwd: resolve(import.meta.dirname, '../..'),
        env: { ...process.env, ...env },
      });
      return { code: 0, out: stdout };
    } catch (e) {
      const err = e as { code: number; stdout: string };
      return { code: err.code, out: err.stdout };
    }
  };

  beforeAll(async () => {
    server = await startTestServer();
    const [row] = await server.database.query<{ db: string }>('SELECT current_database() AS db');
    env = {
      DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${row?.db}`,
      HMS_KEY_DIR: testConfig().keyDir,
      HMS_LOG_LEVEL: 'silent',
    };
    for (let i = 0; i < 5; i++)
      await server.database.db.transaction((tx) =>
        appendAudit(tx, { action: 'read', object_type: 'patients', object_id: `p${i}` }),
      );
  });
  afterAll(async () => server?.close());

  it('says the trail is intact, then finds rows deleted behind its back and tells the admins', async () => {
    const ok = await verifyCli();
    expect(ok.out).toMatch(/audit trail verified: \d+ entries/);
    expect(ok.code).toBe(0);

    await server.database.exec('ALTER TABLE audit_log DISABLE TRIGGER hms_audit_append_only');
    const [{ max } = { max: 0 }] = await server.database.query<{ max: number }>(
      'SELECT max(seq)::int AS max FROM audit_log',
    );
    await server.database.query('DELETE FROM audit_log WHERE seq >= $1', [max - 1]);

    const broken = await verifyCli();
    expect(broken.code).toBe(1);
    expect(broken.out).toMatch(new RegExp(`AUDIT TRAIL BROKEN from entry ${max}`));
    // The nightly job says the same, to every active admin.
    expect(await checkAuditTrail(server.database.db)).toBe(max);
    const told = await server.database.query<{ title: string; username: string }>(
      `SELECT n.title, u.username FROM notifications n JOIN users u ON u.id = n.user_id WHERE n.related_table = 'audit_log'`,
    );
    expect(told.some((n) => n.username === 'admin' && /does not verify/.test(n.title))).toBe(true);
  });
});

describe('changes made with plain SQL', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server?.close());

  it('are written into the audit trail as such, field names only; the application’s own are not', async () => {
    expect(await auditPlainSqlChanges(server.database.db)).toBe(0); // starts from now
    // The application's own write (its connections mark themselves): not "plain SQL".
    await server.database.query(
      `INSERT INTO wards (name, code, ward_type, capacity) VALUES ('App ward', 'AW', 'general', 4)`,
    );
    // Someone at psql, on a connection of their own.
    const [row] = await server.database.query<{ db: string }>('SELECT current_database() AS db');
    const psql = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:5432/${row?.db}` });
    await psql.connect();
    try {
      const [p] = (
        await psql.query<{ id: string }>(
          `INSERT INTO patients (mrn, first_name, last_name, date_of_birth, gender, known_allergies)
           VALUES ('P-SQL-1', 'Isatou', 'Njie', '1975-05-05', 'female', 'latex') RETURNING id`,
        )
      ).rows;
      await psql.query(`UPDATE patients SET known_allergies = 'none' WHERE id = $1`, [p?.id]);
      expect(await auditPlainSqlChanges(server.database.db)).toBe(2);
      const audited = await server.database.query<{
        action: string;
        object_id: string;
        details: { fields: string[] };
      }>(
        `SELECT action, object_id, details FROM audit_log WHERE description LIKE 'changed with plain SQL%' ORDER BY seq`,
      );
      expect(audited.map((a) => [a.action, a.object_id])).toEqual([
        ['create', p?.id],
        ['update', p?.id],
      ]);
      expect(audited[1]?.details.fields).toEqual(['known_allergies']);
      expect(JSON.stringify(audited)).not.toContain('latex');
      expect(await auditPlainSqlChanges(server.database.db)).toBe(0); // each change once
    } finally {
      await psql.end();
    }
  });
});
