/**
 * Which reminder and follow-up messages an appointment should have, and how the rows already there
 * must change to match: pure functions over rows, so the planner job is a query, this, and writes.
 * The server reacts to the appointment row, not to a screen: whichever PC booked, moved, cancelled
 * or completed it, online or not, the next planner pass sees the row as it now stands.
 */

export type NotificationType = 'reminder' | 'follow_up';
export type Channel = 'sms' | 'email';

export interface AppointmentFacts {
  id: string;
  /** `YYYY-MM-DD` and `HH:MM`, the hospital's local time. */
  date: string;
  time: string;
  status: string;
  completed_at: string | null;
  deleted_at: string | null;
}

export interface PatientContact {
  phone: string | null;
  email: string | null;
  consent_sms: boolean;
  consent_email: boolean;
}

export interface ReminderSettings {
  hoursBefore: number;
  followUpHours: number;
  timeZone: string;
}

export interface Wanted {
  type: NotificationType;
  channel: Channel;
  scheduledFor: Date;
}

/** The instant of a wall-clock time in `timeZone` (DST included: the offset is checked twice). */
export function zonedInstant(date: string, time: string, timeZone: string): Date {
  const [y, mo, d] = date.split('-').map(Number);
  const [h, mi] = time.split(':').map(Number);
  const asUtc = Date.UTC(y as number, (mo as number) - 1, d, h, mi);
  let instant = asUtc - offsetMs(asUtc, timeZone);
  instant = asUtc - offsetMs(instant, timeZone);
  return new Date(instant);
}

/** How far `timeZone` is ahead of UTC at `at` (ms). */
function offsetMs(at: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(at));
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const local = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
  return local - Math.floor(at / 1000) * 1000;
}

/** The channels a patient agreed to and can be reached on. */
export function channelsFor(p: PatientContact): Channel[] {
  const out: Channel[] = [];
  if (p.consent_sms && p.phone?.trim()) out.push('sms');
  if (p.consent_email && p.email?.trim()) out.push('email');
  return out;
}

/**
 * The messages an appointment should have now: a reminder `hoursBefore` its start while it is
 * booked and still ahead (booked late, or synced late from an offline PC: at once), and a follow-up
 * `followUpHours` after it was completed.
 */
export function wantedFor(a: AppointmentFacts, p: PatientContact, s: ReminderSettings, now: Date): Wanted[] {
  if (a.deleted_at) return [];
  const channels = channelsFor(p);
  if (a.status === 'scheduled') {
    const start = zonedInstant(a.date, a.time, s.timeZone);
    if (start.getTime() <= now.getTime()) return [];
    const at = new Date(Math.max(start.getTime() - s.hoursBefore * 3_600_000, now.getTime()));
    return channels.map((channel) => ({ type: 'reminder', channel, scheduledFor: at }));
  }
  if (a.status === 'completed' && a.completed_at) {
    const at = new Date(Date.parse(a.completed_at) + s.followUpHours * 3_600_000);
    return channels.map((channel) => ({ type: 'follow_up', channel, scheduledFor: at }));
  }
  return [];
}

export interface ExistingNotification {
  id: string;
  notification_type: NotificationType;
  channel: Channel;
  status: string;
  scheduled_for: string;
}

export type PlanAction =
  | { kind: 'create'; wanted: Wanted }
  | { kind: 'move'; id: string; scheduledFor: Date }
  | { kind: 'cancel'; id: string }
  | { kind: 'reopen'; id: string; scheduledFor: Date };

/**
 * How the rows there become the rows wanted. Sent, sending and failed rows are history and never
 * change (a message out is out); a pending one is moved or cancelled; a cancelled one comes back
 * when the appointment is booked again.
 */
export function reconcile(
  existing: readonly ExistingNotification[],
  wanted: readonly Wanted[],
): PlanAction[] {
  const actions: PlanAction[] = [];
  const key = (type: string, channel: string) => `${type}/${channel}`;
  const byKey = new Map(existing.map((e) => [key(e.notification_type, e.channel), e]));
  const wantedKeys = new Set<string>();
  for (const w of wanted) {
    const k = key(w.type, w.channel);
    wantedKeys.add(k);
    const e = byKey.get(k);
    if (!e) actions.push({ kind: 'create', wanted: w });
    else if (e.status === 'pending' && Date.parse(e.scheduled_for) !== w.scheduledFor.getTime())
      actions.push({ kind: 'move', id: e.id, scheduledFor: w.scheduledFor });
    else if (e.status === 'cancelled')
      actions.push({ kind: 'reopen', id: e.id, scheduledFor: w.scheduledFor });
  }
  for (const e of existing)
    if (e.status === 'pending' && !wantedKeys.has(key(e.notification_type, e.channel)))
      actions.push({ kind: 'cancel', id: e.id });
  return actions;
}
