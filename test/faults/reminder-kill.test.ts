/**
 * kill -9 of the sync server while it sends a reminder (issue 10, exactly once): the SMTP relay has
 * the whole message but has not said so when the server dies. After the restart the message is not
 * sent again; once its claim is old it is marked failed with that said, for an admin to follow up.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../sync-server/platform/database.ts';
import { planReminders } from '../../sync-server/reminders/planner.ts';
import { SENDING_STALE_MS, sendDue } from '../../sync-server/reminders/sender.ts';
import { type Child, freePort, sleep, spawnTs } from '../support/child.ts';
import { eventually } from '../support/eventually.ts';
import { startSmtp } from '../support/messaging.ts';
import { createTestDatabase } from '../support/postgres.ts';
import { ADMIN_PASSWORD } from '../support/server.ts';

const keyDir = mkdtempSync(join(tmpdir(), 'hms-keys-'));

describe('kill -9 of the server in the middle of sending a reminder', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let database: Database | null = null;
  let server: Child | null = null;

  beforeAll(async () => {
    db = await createTestDatabase('hms_remkill');
    smtp = await startSmtp({ replyDelayMs: 4_000 });
  });
  afterAll(async () => {
    await server?.kill9().catch(() => {});
    await database?.close();
    await smtp?.close();
    await db?.drop();
  });

  it('never sends the message a second time', async () => {
    const port = await freePort();
    const start = async () => {
      server = spawnTs('sync-server/cli.ts', [], {
        DATABASE_URL: db.url,
        PORT: String(port),
        HMS_ADMIN_PASSWORD: ADMIN_PASSWORD,
        // The server's keys in a folder of the test's own, never the working copy's ./data.
        HMS_KEY_DIR: keyDir,
        HMS_LOG_LEVEL: 'silent',
        SMTP_URL: smtp.url,
        DEFAULT_FROM_EMAIL: 'clinic@hospital.example',
        HMS_REMINDER_INTERVAL_SECONDS: '5',
      });
      await server.waitFor(/listening on/, 60_000);
    };
    await start();
    database = await openDatabase({ url: db.url });
    const q = database.query.bind(database);
    const [doctor] = await q<{ id: string }>(`SELECT id::text FROM users WHERE username = 'admin'`);
    const patient = uuidv7();
    await q(
      `INSERT INTO patients (id, mrn, first_name, last_name, date_of_birth, gender, email, consent_sms)
       VALUES ($1, 'P-KILL-1', 'Lamin', 'Sanyang', '1970-01-01', 'male', 'lamin@example.org', false)`,
      [patient],
    );
    const soon = new Date(Date.now() + 3 * 3_600_000);
    const appointment = uuidv7();
    await q(
      `INSERT INTO appointments (id, patient_id, doctor_id, date, time, status)
       VALUES ($1, $2, $3, $4, $5, 'scheduled')`,
      [appointment, patient, doctor?.id, soon.toISOString().slice(0, 10), soon.toISOString().slice(11, 16)],
    );
    // The planner's minute, now (the server's own pass may do it first: the same rows either way).
    await planReminders(q, new Date());
    await eventually(() => smtp.mails.length === 1, 'the relay has the message', 30_000);
    // The relay has it but has not answered: the server dies not knowing.
    await server?.kill9();
    const status = async () =>
      (
        await q<{ status: string; error_message: string | null }>(
          `SELECT status, error_message FROM appointment_notifications WHERE appointment_id = $1`,
          [appointment],
        )
      )[0];
    expect((await status())?.status).toBe('sending');

    await start();
    await sleep(12_000); // two of the restarted server's sending passes
    expect(smtp.mails).toHaveLength(1);
    expect((await status())?.status).toBe('sending');

    // Once the claim is old, it is failed with what happened, and still not sent again.
    const later = new Date(Date.now() + SENDING_STALE_MS + 60_000);
    expect(await sendDue({ database, channels: { sms: null, email: null }, now: later })).toMatchObject({
      abandoned: 1,
      sent: 0,
    });
    expect(await status()).toMatchObject({
      status: 'failed',
      error_message: expect.stringMatching(/may or may not/),
    });
    expect(smtp.mails).toHaveLength(1);
  }, 120_000);
});
