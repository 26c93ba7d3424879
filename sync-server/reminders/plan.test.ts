import { describe, expect, it } from 'vitest';
import { type AppointmentFacts, reconcile, wantedFor, zonedInstant } from './plan.ts';

const settings = { hoursBefore: 24, followUpHours: 1, timeZone: 'Africa/Nairobi' };
const reachable = { phone: '+254700000001', email: 'a@example.org', consent_sms: true, consent_email: true };
const appt = (over: Partial<AppointmentFacts> = {}): AppointmentFacts => ({
  id: 'a1',
  date: '2026-12-10',
  time: '09:30',
  status: 'scheduled',
  completed_at: null,
  deleted_at: null,
  ...over,
});
const now = new Date('2026-12-04T12:00:00Z');

describe('zonedInstant', () => {
  it('reads the wall clock in the hospital time zone, summer time included', () => {
    expect(zonedInstant('2026-12-10', '09:30', 'Africa/Nairobi').toISOString()).toBe(
      '2026-12-10T06:30:00.000Z',
    );
    expect(zonedInstant('2026-07-01', '09:30', 'Europe/London').toISOString()).toBe(
      '2026-07-01T08:30:00.000Z',
    );
    expect(zonedInstant('2026-01-01', '09:30', 'Europe/London').toISOString()).toBe(
      '2026-01-01T09:30:00.000Z',
    );
    expect(zonedInstant('2026-01-01', '00:00', 'UTC').toISOString()).toBe('2026-01-01T00:00:00.000Z');
  });
});

describe('wantedFor', () => {
  it('a booked appointment: a reminder per consented, reachable channel, hours before its start', () => {
    expect(wantedFor(appt(), reachable, settings, now)).toEqual([
      { type: 'reminder', channel: 'sms', scheduledFor: new Date('2026-12-09T06:30:00Z') },
      { type: 'reminder', channel: 'email', scheduledFor: new Date('2026-12-09T06:30:00Z') },
    ]);
    expect(wantedFor(appt(), { ...reachable, consent_sms: false, email: ' ' }, settings, now)).toEqual([]);
  });

  it('booked or synced late: at once while the appointment is ahead, never once it has passed', () => {
    const soon = appt({ date: '2026-12-04', time: '18:00' });
    expect(wantedFor(soon, reachable, settings, now).map((w) => w.scheduledFor)).toEqual([now, now]);
    expect(wantedFor(appt({ date: '2026-12-04', time: '10:00' }), reachable, settings, now)).toEqual([]);
  });

  it('a completed one: a follow-up after it; cancelled or deleted: nothing', () => {
    const done = appt({ status: 'completed', completed_at: '2026-12-04T11:00:00.000Z' });
    expect(wantedFor(done, { ...reachable, consent_email: false }, settings, now)).toEqual([
      { type: 'follow_up', channel: 'sms', scheduledFor: new Date('2026-12-04T12:00:00Z') },
    ]);
    expect(wantedFor(appt({ status: 'cancelled' }), reachable, settings, now)).toEqual([]);
    expect(wantedFor(appt({ deleted_at: '2026-12-04T00:00:00Z' }), reachable, settings, now)).toEqual([]);
  });
});

describe('reconcile', () => {
  const at = new Date('2026-12-09T06:30:00Z');
  const row = (status: string, scheduled_for = at.toISOString(), channel: 'sms' | 'email' = 'sms') => ({
    id: `${status}-${channel}`,
    notification_type: 'reminder' as const,
    channel,
    status,
    scheduled_for,
  });
  const want = { type: 'reminder' as const, channel: 'sms' as const, scheduledFor: at };

  it('creates what is missing, moves what was rescheduled, cancels what is no longer wanted', () => {
    expect(reconcile([], [want])).toEqual([{ kind: 'create', wanted: want }]);
    expect(reconcile([row('pending', '2026-12-08T06:30:00.000Z')], [want])).toEqual([
      { kind: 'move', id: 'pending-sms', scheduledFor: at },
    ]);
    expect(reconcile([row('pending')], [want])).toEqual([]);
    expect(reconcile([row('pending'), row('pending', at.toISOString(), 'email')], [want])).toEqual([
      { kind: 'cancel', id: 'pending-email' },
    ]);
  });

  it('never touches a message that went out or failed; reopens a cancelled one when booked again', () => {
    expect(reconcile([row('sent', '2026-12-01T00:00:00.000Z')], [want])).toEqual([]);
    expect(reconcile([row('sending')], [])).toEqual([]);
    expect(reconcile([row('failed')], [])).toEqual([]);
    expect(reconcile([row('cancelled')], [want])).toEqual([
      { kind: 'reopen', id: 'cancelled-sms', scheduledFor: at },
    ]);
  });
});
