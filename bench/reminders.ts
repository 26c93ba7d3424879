/**
 * (i) Reminder sending rate: N due e-mail reminders planned and sent through the server's sender to a
 * local SMTP server (one connection per message, as nodemailer's default transport does), against
 * the same number of messages sent with nodemailer straight to the same server (no database).
 */
import nodemailer from 'nodemailer';
import { v7 as uuidv7 } from 'uuid';
import { openDatabase } from '../sync-server/platform/database.ts';
import { emailSender } from '../sync-server/reminders/channels.ts';
import { planReminders } from '../sync-server/reminders/planner.ts';
import { sendDue } from '../sync-server/reminders/sender.ts';
import { startSmtp } from '../test/support/messaging.ts';

export interface RemindersResult {
  messages: number;
  planMs: number;
  sendMs: number;
  perSec: number;
  rawPerSec: number;
  ratio: number;
}

export async function benchReminders(o: {
  dbUrl: string;
  messages: number;
  log: (l: string) => void;
}): Promise<RemindersResult> {
  const smtp = await startSmtp();
  const database = await openDatabase({ url: o.dbUrl });
  try {
    const q = database.query.bind(database);
    const [doctor] = await q<{ id: string }>(`SELECT id::text FROM users WHERE username = 'admin'`);
    const at = new Date(Date.now() + 2 * 3_600_000);
    for (let i = 0; i < o.messages; i++) {
      const patient = uuidv7();
      await q(
        `INSERT INTO patients (id, mrn, first_name, last_name, date_of_birth, gender, email, consent_sms)
         VALUES ($1, $2, 'Bench', 'Patient', '1980-01-01', 'female', $3, false)`,
        [patient, `BR-${i}`, `patient${i}@example.org`],
      );
      await q(
        `INSERT INTO appointments (patient_id, doctor_id, date, time, status) VALUES ($1, $2, $3, $4, 'scheduled')`,
        [patient, doctor?.id, at.toISOString().slice(0, 10), at.toISOString().slice(11, 16)],
      );
    }
    const t0 = performance.now();
    await planReminders(q, new Date());
    const planMs = performance.now() - t0;
    const channels = { sms: null, email: emailSender(smtp.url, 'clinic@hospital.example') };
    o.log(`(i) sending ${o.messages} reminders…`);
    const t1 = performance.now();
    let sent = 0;
    while (sent < o.messages) {
      const r = await sendDue({ database, channels, now: new Date(), limit: 200 });
      if (r.failed || r.retrying) o.log(`(i) ${r.failed} failed, ${r.retrying} to retry`);
      if (r.sent === 0 && r.failed === 0 && r.retrying === 0) break;
      sent += r.sent;
    }
    const sendMs = performance.now() - t1;
    channels.email.close?.();
    // The baseline reuses one connection too (nodemailer's pool), as the sender does.
    const raw = nodemailer.createTransport(`${smtp.url}?pool=true`);
    const t2 = performance.now();
    for (let i = 0; i < o.messages; i++)
      await raw.sendMail({
        from: 'clinic@hospital.example',
        to: `raw${i}@example.org`,
        subject: 'x',
        text: 'y',
      });
    const rawMs = performance.now() - t2;
    raw.close();
    const perSec = (sent / sendMs) * 1000;
    const rawPerSec = (o.messages / rawMs) * 1000;
    return { messages: sent, planMs, sendMs, perSec, rawPerSec, ratio: perSec / rawPerSec };
  } finally {
    await database.close();
    await smtp.close();
  }
}
