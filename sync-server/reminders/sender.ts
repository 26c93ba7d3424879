/**
 * Sends the reminder and follow-up messages that are due, each at most once.
 *
 * A message is claimed (`pending → sending`) by one committed statement that skips rows another
 * server has locked, so two instances never take the same one; it is then sent, and marked `sent`
 * with the provider's id, or put back `pending` with a later attempt, or `failed` after the last.
 * A row found still `sending` long after its claim belongs to a process that died mid-send: whether
 * the message left is unknown, so it is marked `failed` with that said, never sent again (a patient
 * must not get it twice; an admin sees it and can follow up). The same for a send handed over without
 * an answer (a timeout after the message went out): failed as perhaps delivered, not retried; only a
 * refusal or a connection that never opened is retried. Runs outside the scheduler's job
 * transaction on purpose: each step must be committed before the next one happens.
 */
import type { Database } from '../platform/database.ts';
import type { Logger } from '../platform/log.ts';
import { type Channels, MaybeDelivered, NOT_CONFIGURED } from './channels.ts';
import { type Channel, type NotificationType, zonedInstant } from './plan.ts';
import { readMessageSettings } from './settings.ts';
import { render } from './templates.ts';

/** Attempts before a message is failed for good, and the waits between them. */
export const MAX_ATTEMPTS = 4;
export const RETRY_DELAYS_MS = [60_000, 5 * 60_000, 30 * 60_000] as const;
/** A claim older than this without an outcome: its process died mid-send. */
export const SENDING_STALE_MS = 10 * 60_000;

interface Claimed {
  id: string;
  appointment_id: string;
  notification_type: NotificationType;
  channel: Channel;
  attempts: number;
}

interface Target {
  date: string;
  time: string;
  phone: string | null;
  email: string | null;
}

export interface SendOutcome {
  sent: number;
  retrying: number;
  failed: number;
  abandoned: number;
}

export async function sendDue(o: {
  database: Database;
  channels: Channels;
  now: Date;
  limit?: number;
  log?: Logger;
}): Promise<SendOutcome> {
  const { database: db, now } = o;
  const at = now.toISOString();
  const outcome: SendOutcome = { sent: 0, retrying: 0, failed: 0, abandoned: 0 };
  const abandoned = await db.query<{ id: string }>(
    `UPDATE appointment_notifications
        SET status = 'failed', updated_at = $1,
            error_message = 'the server stopped while sending this message: it may or may not have been delivered, so it is not sent again'
      WHERE status = 'sending' AND updated_at < $2 RETURNING id::text`,
    [at, new Date(now.getTime() - SENDING_STALE_MS).toISOString()],
  );
  outcome.abandoned = abandoned.length;
  const claimed = await db.query<Claimed>(
    `UPDATE appointment_notifications n
        SET status = 'sending', attempts = n.attempts + 1, updated_at = $1
      WHERE n.id IN (
        SELECT id FROM appointment_notifications
         WHERE status = 'pending' AND scheduled_for <= $1 AND (next_attempt_at IS NULL OR next_attempt_at <= $1)
           AND deleted_at IS NULL
         ORDER BY scheduled_for LIMIT $2 FOR UPDATE SKIP LOCKED)
      RETURNING n.id::text, n.appointment_id::text, n.notification_type, n.channel, n.attempts`,
    [at, o.limit ?? 200],
  );
  if (claimed.length === 0) return outcome;
  const settings = await readMessageSettings(db.query.bind(db));
  for (const c of claimed) {
    const [target] = await db.query<Target>(
      `SELECT to_char(a.date, 'YYYY-MM-DD') AS date, a.time, p.phone, p.email
         FROM appointments a JOIN patients p ON p.id = a.patient_id WHERE a.id = $1`,
      [c.appointment_id],
    );
    const sender = o.channels[c.channel];
    const to = c.channel === 'sms' ? target?.phone?.trim() : target?.email?.trim();
    const fail = async (error: string) => {
      await db.query(
        `UPDATE appointment_notifications SET status = 'failed', error_message = $2, updated_at = $3 WHERE id = $1 AND status = 'sending'`,
        [c.id, error, new Date().toISOString()],
      );
      outcome.failed++;
    };
    if (!sender) {
      await fail(NOT_CONFIGURED[c.channel]);
      continue;
    }
    if (!target || !to) {
      await fail(`the patient has no ${c.channel === 'sms' ? 'phone number' : 'e-mail address'} any more`);
      continue;
    }
    const message = render(c.notification_type, c.channel, settings.language, {
      clinic: settings.clinic,
      at: zonedInstant(target.date, target.time, settings.timeZone),
      timeZone: settings.timeZone,
    });
    let messageId: string;
    try {
      messageId = (await sender.send({ to, subject: message.subject, text: message.text })).messageId;
    } catch (e) {
      const error = e instanceof Error ? e.message.slice(0, 500) : String(e);
      // Handed over without an answer: perhaps delivered, so never again.
      if (e instanceof MaybeDelivered) {
        await fail(error);
        continue;
      }
      // The provider refused or could not be reached: the message did not leave.
      if (c.attempts >= MAX_ATTEMPTS) {
        await fail(`gave up after ${c.attempts} attempts: ${error}`);
        continue;
      }
      const wait = RETRY_DELAYS_MS[Math.min(c.attempts - 1, RETRY_DELAYS_MS.length - 1)] as number;
      await db.query(
        `UPDATE appointment_notifications SET status = 'pending', error_message = $2, next_attempt_at = $3, updated_at = $4
          WHERE id = $1 AND status = 'sending'`,
        [c.id, error, new Date(now.getTime() + wait).toISOString(), new Date().toISOString()],
      );
      outcome.retrying++;
      o.log?.warn(
        { notification: c.id, channel: c.channel, attempt: c.attempts },
        'message not sent; will retry',
      );
      continue;
    }
    await db.query(
      `UPDATE appointment_notifications SET status = 'sent', sent_at = $2, provider_message_id = $3, error_message = NULL, updated_at = $2
        WHERE id = $1 AND status = 'sending'`,
      [c.id, new Date().toISOString(), messageId],
    );
    outcome.sent++;
  }
  return outcome;
}

/**
 * Runs `sendDue` every `intervalMs` in this server process (several instances may: claims never
 * overlap). A pass still running when the next is due is skipped; `stop` waits for it.
 */
export class ReminderSender {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly o: {
      database: Database;
      channels: Channels;
      now: () => Date;
      intervalMs: number;
      log: Logger;
    },
  ) {}

  start(): void {
    if (this.o.intervalMs <= 0) return;
    this.timer = setInterval(() => void this.pass(), this.o.intervalMs);
    this.timer.unref?.();
  }

  pass(): Promise<void> {
    this.running ??= sendDue({
      database: this.o.database,
      channels: this.o.channels,
      now: this.o.now(),
      log: this.o.log,
    })
      .then(
        (r) => {
          if (r.sent || r.failed || r.retrying || r.abandoned) this.o.log.info(r, 'reminder messages');
        },
        (e: unknown) =>
          this.o.log.warn({ error: e instanceof Error ? e.message : String(e) }, 'reminder pass failed'),
      )
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
    this.o.channels.email?.close?.();
    this.o.channels.sms?.close?.();
  }
}
