import { describe, expect, it } from 'vitest';
import { formatNumber, NUMBER_KINDS, parseNumber, queueTicket } from '../numbers.ts';
import { tableByName } from '../schema/index.ts';
import { checkDateRules } from './date-rules.ts';
import { firstKey, fold, nameKey, phoneCanon } from './name-keys.ts';
import { checkTransition, STATUS_MACHINES, stampedColumns, stampTransition } from './transitions.ts';

const ACTOR = '0190a3c4-6f2e-7b1a-8c3d-1234567890ab';
const NOW = '2026-11-25T10:00:00.000Z';

describe('status machines', () => {
  it('cover every table whose status moves through a workflow', () => {
    for (const t of [
      'appointments',
      'lab_orders',
      'prescriptions',
      'admissions',
      'bills',
      'purchase_orders',
      'referrals',
      'tasks',
      'telemedicine_sessions',
    ])
      expect(STATUS_MACHINES[t], t).toBeDefined();
  });

  it('name only statuses and stamp columns their tables have', () => {
    for (const [table, m] of Object.entries(STATUS_MACHINES)) {
      const model = tableByName(table);
      const values = model?.columns.status?.enumValues ?? [];
      const named = [
        ...m.initial,
        ...Object.keys(m.next),
        ...Object.values(m.next).flat(),
        ...Object.keys(m.stamps ?? {}),
      ];
      for (const s of named) expect(values, `${table}: ${s}`).toContain(s);
      for (const c of stampedColumns(table)) expect(model?.columns, `${table}.${c}`).toHaveProperty(c);
      // Every status is reachable: a starting one or the target of a move.
      const reachable = new Set([...m.initial, ...Object.values(m.next).flat()]);
      const legacy = table === 'bills' ? ['partially_paid', 'paid'] : [];
      for (const s of values)
        if (!legacy.includes(s)) expect(reachable.has(s), `${table}: ${s} unreachable`).toBe(true);
    }
  });

  it('refuse a move the machine does not allow, and a new row in a later status', () => {
    expect(checkTransition('appointments', 'cancelled', { status: 'completed' }, ACTOR)[0]?.message).toBe(
      'a cancelled appointment cannot change status any more',
    );
    expect(checkTransition('lab_orders', 'ordered', { status: 'reviewed' }, ACTOR)[0]?.rule).toBe(
      'transition',
    );
    expect(checkTransition('lab_orders', null, { status: 'resulted' }, ACTOR)[0]?.message).toMatch(
      /must start as ordered/,
    );
    expect(checkTransition('bills', 'issued', { status: 'paid' }, ACTOR)[0]?.rule).toBe('transition');
    expect(checkTransition('appointments', 'scheduled', { status: 'in_progress' }, ACTOR)[0]?.message).toBe(
      'a scheduled appointment can only become checked in, cancelled or no show, not in progress',
    );
    expect(checkTransition('appointments', 'scheduled', { status: 'checked_in' }, ACTOR)).toEqual([]);
    expect(checkTransition('appointments', 'scheduled', { notes: 'x' }, ACTOR)).toEqual([]);
  });

  it('stamp the time and the user a move implies; a typed stamp is refused', () => {
    expect(
      stampTransition('lab_orders', 'resulted', { status: 'reviewed' }, { actorId: ACTOR, now: NOW }),
    ).toEqual({
      ok: true,
      value: { status: 'reviewed', reviewed_at: NOW, reviewed_by: ACTOR },
    });
    expect(
      stampTransition('appointments', null, { status: 'checked_in' }, { actorId: ACTOR, now: NOW }),
    ).toEqual({
      ok: true,
      value: { status: 'checked_in', checked_in_at: NOW },
    });
    const typed = stampTransition('tasks', 'open', { completed_at: NOW }, { actorId: ACTOR, now: NOW });
    expect(typed.ok ? [] : typed.issues.map((i) => `${i.field}:${i.rule}`)).toEqual(['completed_at:stamped']);
    // The server's check of what a workstation sent: stamps only with their move, actor stamps = author.
    expect(
      checkTransition(
        'lab_orders',
        'resulted',
        { status: 'reviewed', reviewed_at: NOW, reviewed_by: ACTOR },
        ACTOR,
      ),
    ).toEqual([]);
    expect(
      checkTransition(
        'lab_orders',
        'resulted',
        { status: 'reviewed', reviewed_by: '0190a3c4-6f2e-7b1a-8c3d-000000000000' },
        ACTOR,
      )[0]?.message,
    ).toBe('reviewed_by must be the user who made the change');
    expect(checkTransition('lab_orders', 'collected', { collected_at: NOW }, ACTOR)[0]?.rule).toBe('stamped');
  });
});

describe('date rules', () => {
  it('refuse a birth date in the future and an appointment in the past, with a day of slack', () => {
    expect(checkDateRules('patients', 'insert', { date_of_birth: '2026-11-26' }, NOW)).toEqual([]);
    expect(checkDateRules('patients', 'insert', { date_of_birth: '2026-11-27' }, NOW)[0]?.rule).toBe(
      'not_future',
    );
    expect(checkDateRules('appointments', 'insert', { date: '2026-11-24' }, NOW)).toEqual([]);
    expect(checkDateRules('appointments', 'update', { date: '2026-11-23' }, NOW)[0]?.rule).toBe('not_past');
    expect(checkDateRules('appointments', 'update', { notes: 'x' }, NOW)).toEqual([]);
  });
});

describe('name keys', () => {
  it('meet the spellings registration desks produce', () => {
    const same = (a: string, b: string) => expect(nameKey(a), `${a} ~ ${b}`).toBe(nameKey(b));
    same('Mohamed', 'Muhammad');
    same('Otieno', 'Ottieno');
    same('Ceesay', 'Sisay');
    same('Diallo', 'Jallow');
    same('Fatou', 'Fatu');
    expect(nameKey('Mam Jarra')).toBe('MM JR');
    expect(firstKey('Mam Jarra')).toBe('MM');
    expect(nameKey('Ndey')).not.toBe(nameKey('Fatou'));
    expect(fold("N'Dey  Ceésay")).toBe('ndey ceesay');
    expect(fold('  ')).toBeNull();
  });

  it('store phone numbers in one form however they were typed', () => {
    expect(phoneCanon('7012345')).toBe('+220 7012345');
    expect(phoneCanon('00220 701 2345')).toBe('+220 7012345');
    expect(phoneCanon('+221 77 123 4567')).toBe('+221 771234567');
    expect(phoneCanon('2207012345')).toBe('+220 7012345');
    expect(phoneCanon('7012')).toBe('+220 7012');
    expect(phoneCanon('no digits')).toBeNull();
  });
});

describe('human numbers', () => {
  it('carry the workstation code and its sequence, and parse back', () => {
    expect(formatNumber('mrn', 'R1A2', 123)).toBe('P-R1A2-000123');
    expect(formatNumber('bill', 'R1A2', 45)).toBe('B-R1A2-0000045');
    expect(formatNumber('mrn', 'R1A2', 1_234_567)).toBe('P-R1A2-1234567');
    for (const kind of Object.keys(NUMBER_KINDS) as (keyof typeof NUMBER_KINDS)[])
      expect(parseNumber(kind, formatNumber(kind, 'W3A', 9))).toEqual({ code: 'W3A', seq: 9 });
    expect(parseNumber('mrn', 'B-R1A2-000123')).toBeNull();
    expect(queueTicket('R1A2', 7)).toBe('R1A2-007');
  });
});
