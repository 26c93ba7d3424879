/**
 * Appointment reminders and follow-ups (issue 10) on real Postgres, through a real SMTP server and
 * the real `twilio` client talking to a local stand-in: planned from the appointment rows however
 * they arrived, sent once each (two senders at once, a sender that died mid-send), retried when the
 * provider fails, failed with the reason when a channel is not configured, in the hospital's
 * language, and never with anything clinical in them.
 */
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Scheduler } from '../../sync-server/jobs/scheduler.ts';
import { createLogger } from '../../sync-server/platform/log.ts';
import { type Channels, channelsFrom } from '../../sync-server/reminders/channels.ts';
import {
  planReminders,
  REMINDER_PLANNER_JOB,
  reminderPlannerJob,
} from '../../sync-server/reminders/planner.ts';
import { MAX_ATTEMPTS, SENDING_STALE_MS, sendDue } from '../../sync-server/reminders/sender.ts';
import { type ReceivedSms, startSmtp, startTwilioStandIn } from '../support/messaging.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

describe('appointment reminders', () => {
  let server: TestServer;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let twilio: Awaited<ReturnType<typeof startTwilioStandIn>>;
  let channels: Channels;
  let doctor: string;
  const q = <R>(sql: string, params: unknown[] = []) => server.database.query<R>(sql, params);

  beforeAll(async () => {
    [server, smtp, twilio] = await Promise.all([startTestServer(), startSmtp(), startTwilioStandIn()]);
    doctor = await server.createUser('dr.remind', 'doctor');
    channels = channelsFrom({
      smtpUrl: smtp.url,
      fromEmail: 'clinic@hospital.example',
      twilio: {
        accountSid: 'AC00000000000000000000000000000001',
        authToken: 'test-token',
        from: '+2204390000',
        apiBase: twilio.url,
      },
    });
    for (const [key, value] of [
      ['hospital.name', 'Kanifing General'],
      ['locale.timezone', 'Africa/Banjul'],
    ])
      await q(
        `INSERT INTO system_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
        [key, value],
      );
  });
  afterAll(async () => {
    // The e-mail channel holds a pooled connection: let go of it, or the SMTP server waits for it.
    channels?.email?.close?.();
    await Promise.all([server?.close(), smtp?.close(), twilio?.close()]);
  });
  beforeEach(() => {
    smtp.mails.length = 0;
    twilio.sms.length = 0;
    twilio.failing.on = false;
    twilio.failing.hangUp = false;
  });

  const plan = (now: Date) => planReminders(server.database.query.bind(server.database), now);
  const send = (now: Date, c: Channels = channels) =>
    sendDue({ database: server.database, channels: c, now });

  async function booked(o: {
    date: string;
    time: string;
    phone?: string | null;
    email?: string | null;
    sms?: boolean;
  }) {
    const patient = uuidv7();
    await q(
      `INSERT INTO patients (id, mrn, first_name, last_name, date_of_birth, gender, phone, email, consent_sms, consent_email)
       VALUES ($1, $2, 'Awa', 'Jallow', '1980-02-02', 'female', $3, $4, $5, true)`,
      [
        patient,
        `P-REM-${patient.slice(-8)}`,
        o.phone === undefined ? '+2207000001' : o.phone,
        o.email === undefined ? 'awa@example.org' : o.email,
        o.sms ?? true,
      ],
    );
    const appointment = uuidv7();
    await q(
      `INSERT INTO appointments (id, patient_id, doctor_id, date, time, status, reason)
       VALUES ($1, $2, $3, $4, $5, 'scheduled', 'diabetes review, HbA1c high')`,
      [appointment, patient, doctor, o.date, o.time],
    );
    return appointment;
  }
  const rows = (appointment: string) =>
    q<{
      notification_type: string;
      channel: string;
      status: string;
      scheduled_for: string;
      provider_message_id: string | null;
      error_message: string | null;
      attempts: number;
    }>(
      `SELECT notification_type, channel, status, to_char(scheduled_for AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI"Z"') AS scheduled_for,
              provider_message_id, error_message, attempts
         FROM appointment_notifications WHERE appointment_id = $1 ORDER BY channel`,
      [appointment],
    );

  it('plans a reminder per channel 24 h ahead, sends each once with the clinic, day and time, and nothing clinical', async () => {
    const now = new Date('2031-03-09T08:00:00Z');
    const appointment = await booked({ date: '2031-03-10', time: '09:30' });
    await plan(now);
    expect((await rows(appointment)).map((r) => [r.channel, r.status, r.scheduled_for])).toEqual([
      ['email', 'pending', '2031-03-09T09:30Z'],
      ['sms', 'pending', '2031-03-09T09:30Z'],
    ]);
    expect(await send(now)).toMatchObject({ sent: 0 });
    const due = new Date('2031-03-09T09:30:00Z');
    expect(await send(due)).toMatchObject({ sent: 2, failed: 0 });
    expect(await send(due)).toMatchObject({ sent: 0 });
    const [mail] = smtp.mails;
    expect(smtp.mails).toHaveLength(1);
    expect(mail?.to).toEqual(['awa@example.org']);
    expect(mail?.raw).toMatch(/Subject: Appointment reminder: 10 March 2031 at 09:30/);
    expect(mail?.raw).toMatch(/Kanifing General: a reminder of your appointment on 10 March 2031 at 09:30/);
    expect(twilio.sms).toEqual<ReceivedSms[]>([
      {
        accountSid: 'AC00000000000000000000000000000001',
        to: '+2207000001',
        from: '+2204390000',
        body: expect.stringMatching(
          /^Kanifing General: a reminder of your appointment on 10 March 2031 at 09:30/,
        ),
      },
    ]);
    for (const text of [mail?.raw ?? '', twilio.sms[0]?.body ?? ''])
      expect(text).not.toMatch(/diabetes|HbA1c/i);
    const sent = await rows(appointment);
    expect(sent.map((r) => r.status)).toEqual(['sent', 'sent']);
    expect(sent.find((r) => r.channel === 'sms')?.provider_message_id).toMatch(/^SM/);
    expect(sent.find((r) => r.channel === 'email')?.provider_message_id).toMatch(/@/);
  });

  it('plans through the scheduler as the server runs it (its job transaction, its raw queries)', async () => {
    const appointment = await booked({ date: '2031-03-20', time: '10:00' });
    const scheduler = new Scheduler(server.database, createLogger('silent'));
    scheduler.add(reminderPlannerJob({ now: () => new Date('2031-03-18T00:00:00Z') }));
    expect(await scheduler.run(REMINDER_PLANNER_JOB)).toMatchObject({ status: 'ran' });
    expect((await rows(appointment)).map((r) => [r.channel, r.status])).toEqual([
      ['email', 'pending'],
      ['sms', 'pending'],
    ]);
  });

  it('moves the reminder when the appointment is moved, cancels it when cancelled, and sends nothing for a past one', async () => {
    const now = new Date('2031-04-01T08:00:00Z');
    const appointment = await booked({ date: '2031-04-05', time: '10:00', email: null });
    await plan(now);
    expect((await rows(appointment)).map((r) => r.scheduled_for)).toEqual(['2031-04-04T10:00Z']);
    await q(`UPDATE appointments SET date = '2031-04-06', time = '14:15' WHERE id = $1`, [appointment]);
    await plan(now);
    expect((await rows(appointment)).map((r) => [r.status, r.scheduled_for])).toEqual([
      ['pending', '2031-04-05T14:15Z'],
    ]);
    await q(`UPDATE appointments SET status = 'cancelled' WHERE id = $1`, [appointment]);
    await plan(now);
    expect((await rows(appointment)).map((r) => r.status)).toEqual(['cancelled']);
    expect(await send(new Date('2031-04-06T00:00:00Z'))).toMatchObject({ sent: 0 });

    // Booked on a PC while it was offline, synced after the visit's time: no reminder at all.
    const late = await booked({ date: '2031-03-31', time: '09:00' });
    await plan(now);
    expect(await rows(late)).toEqual([]);
  });

  it('a follow-up once the appointment is completed, in Swahili when the hospital says so', async () => {
    await q(
      `INSERT INTO system_settings (key, value) VALUES ('appointments.message_language', 'sw') ON CONFLICT (key) DO UPDATE SET value = 'sw'`,
    );
    try {
      const appointment = await booked({ date: '2031-05-02', time: '11:00', email: null });
      await q(
        `UPDATE appointments SET status = 'completed', completed_at = '2031-05-02T11:20:00Z' WHERE id = $1`,
        [appointment],
      );
      await plan(new Date('2031-05-02T11:30:00Z'));
      expect((await rows(appointment)).map((r) => [r.notification_type, r.scheduled_for])).toEqual([
        ['follow_up', '2031-05-02T12:20Z'],
      ]);
      expect(await send(new Date('2031-05-02T12:00:00Z'))).toMatchObject({ sent: 0 });
      expect(await send(new Date('2031-05-02T12:30:00Z'))).toMatchObject({ sent: 1 });
      expect(twilio.sms[0]?.body).toMatch(/^Kanifing General: asante kwa kututembelea tarehe 2 Mei 2031/);
    } finally {
      await q(`DELETE FROM system_settings WHERE key = 'appointments.message_language'`);
    }
  });

  it('two senders at once, and a sender that died mid-send: every message goes out once at most', async () => {
    const now = new Date('2031-06-01T12:00:00Z');
    const appointments = [];
    for (let i = 0; i < 15; i++)
      appointments.push(
        await booked({
          date: '2031-06-02',
          time: '08:00',
          phone: `+220700${String(i).padStart(4, '0')}`,
          email: null,
        }),
      );
    await plan(now);
    const [a, b] = await Promise.all([send(now), send(now)]);
    expect((a?.sent ?? 0) + (b?.sent ?? 0)).toBe(15);
    expect(new Set(twilio.sms.map((m) => m.to)).size).toBe(15);
    expect(twilio.sms).toHaveLength(15);

    // A process claimed a message and died before recording the outcome: it is not sent again.
    const orphan = await booked({ date: '2031-06-03', time: '08:00', email: null });
    await plan(now);
    await q(
      `UPDATE appointment_notifications SET status = 'sending', attempts = 1, updated_at = $2 WHERE appointment_id = $1`,
      [orphan, new Date(now.getTime() - SENDING_STALE_MS - 1_000).toISOString()],
    );
    twilio.sms.length = 0;
    expect(await send(new Date('2031-06-02T09:00:00Z'))).toMatchObject({ abandoned: 1, sent: 0 });
    expect(twilio.sms).toEqual([]);
    expect((await rows(orphan))[0]).toMatchObject({
      status: 'failed',
      error_message: expect.stringMatching(/may or may not/),
    });
  });

  it('retries a failing provider with growing waits, then fails with its error; an unconfigured channel fails at once', async () => {
    let now = new Date('2031-07-01T12:00:00Z');
    const appointment = await booked({ date: '2031-07-02', time: '08:00' });
    await plan(now);
    twilio.failing.on = true;
    const noEmail: Channels = { ...channels, email: null };
    expect(await send(now, noEmail)).toMatchObject({ failed: 1, retrying: 1 });
    expect(
      (await rows(appointment)).map((r) => [r.channel, r.status, r.error_message?.slice(0, 20)]),
    ).toEqual([
      ['email', 'failed', 'e-mail is not config'],
      ['sms', 'pending', expect.any(String)],
    ]);
    // Not before its next attempt.
    expect(await send(now, noEmail)).toMatchObject({ retrying: 0, failed: 0 });
    for (let attempt = 2; attempt <= MAX_ATTEMPTS; attempt++) {
      now = new Date(now.getTime() + 3_600_000);
      await send(now, noEmail);
    }
    const [, sms] = await rows(appointment);
    expect(sms).toMatchObject({
      status: 'failed',
      attempts: MAX_ATTEMPTS,
      error_message: expect.stringMatching(/gave up after 4 attempts/),
    });
    expect(twilio.sms).toEqual([]);
  });

  it('a provider that takes the message but never answers: failed as perhaps delivered, never sent again', async () => {
    const now = new Date('2031-09-01T12:00:00Z');
    const appointment = await booked({ date: '2031-09-02', time: '08:00', email: null });
    await plan(now);
    twilio.failing.hangUp = true;
    expect(await send(now)).toMatchObject({ sent: 0, failed: 1, retrying: 0 });
    twilio.failing.hangUp = false;
    expect(await send(new Date('2031-09-01T18:00:00Z'))).toMatchObject({ sent: 0 });
    expect(twilio.sms).toHaveLength(1);
    expect((await rows(appointment))[0]).toMatchObject({
      status: 'failed',
      attempts: 1,
      error_message: expect.stringMatching(/may have been delivered/),
    });
  });

  it("answers the status of one message in the seeds' shape to staff, and the filtered list to admins", async () => {
    const appointment = await booked({ date: '2031-08-02', time: '08:00', email: null });
    await plan(new Date('2031-08-01T07:00:00Z'));
    await send(new Date('2031-08-01T08:00:00Z'));
    const [row] = await q<{ id: string }>(
      `SELECT id::text FROM appointment_notifications WHERE appointment_id = $1`,
      [appointment],
    );
    await server.createUser('rec.remind', 'receptionist');
    const reception = await server.login('rec.remind', 'password-rec.remind');
    const get = (path: string, token: string) =>
      fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    const status = await get(`/api/appointment-notifications/${row?.id}/status`, reception);
    expect(status.status).toBe(200);
    expect(await status.json()).toEqual({
      id: row?.id,
      appointment_id: appointment,
      notification_type: 'reminder',
      channel: 'sms',
      status: 'sent',
      scheduled_for: '2031-08-01T08:00:00.000Z',
      sent_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      attempts: 1,
      error_message: '',
    });
    expect((await get(`/api/appointment-notifications/${appointment}/status`, reception)).status).toBe(404);
    expect((await get('/api/appointment-notifications/not-an-id/status', reception)).status).toBe(400);
    expect((await get('/api/appointment-notifications?status=sent', reception)).status).toBe(403);
    const admin = await server.login('admin', 'admin-password-for-tests');
    const list = await get(`/api/appointment-notifications?status=sent&appointment_id=${appointment}`, admin);
    expect(
      ((await list.json()) as { notifications: { id: string }[] }).notifications.map((n) => n.id),
    ).toEqual([row?.id]);
    expect((await get('/api/appointment-notifications?status=lost', admin)).status).toBe(400);
    // The jobs behind them, with their schedules and latest runs, for admins only.
    expect((await get('/api/jobs', reception)).status).toBe(403);
    const jobs = (await (await get('/api/jobs', admin)).json()) as {
      jobs: { name: string; schedule: string }[];
    };
    expect(jobs.jobs.map((j) => j.name)).toEqual(
      expect.arrayContaining([
        'reminder-planner',
        'backup',
        'clinical-and-stock-watch',
        'change-log-compaction',
      ]),
    );
  });
});
