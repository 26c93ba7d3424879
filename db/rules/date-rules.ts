/**
 * Date rules that need a clock: a date of birth is not in the future, an appointment is not booked
 * into the past. (Rules between two columns of one row, such as discharge after admission, are
 * CHECK constraints mirrored in db/validation.ts.) "Now" is the device time of the write on both
 * ends: a booking made offline on Monday for Tuesday is not refused when it uploads on Wednesday.
 *
 * Dates are compared as UTC calendar dates with one day of slack, so a hospital west or east of UTC
 * is not refused "today" near midnight.
 */
import type { ValidationIssue } from '../primitives/issue.ts';
import type { Row } from '../primitives/row.ts';

const DAY_MS = 86_400_000;
const dayOffset = (now: string, days: number) =>
  new Date(Date.parse(now) + days * DAY_MS).toISOString().slice(0, 10);

export interface DateRule {
  table: string;
  field: string;
  rule: string;
  /** Whether it applies to this write (inserts, or updates that change the field). */
  appliesTo: 'insert' | 'insert_or_change';
  holds: (value: string, now: string) => boolean;
  message: string;
}

export const DATE_RULES: readonly DateRule[] = [
  {
    table: 'patients',
    field: 'date_of_birth',
    rule: 'not_future',
    appliesTo: 'insert_or_change',
    holds: (dob, now) => dob <= dayOffset(now, 1),
    message: 'date_of_birth cannot be in the future',
  },
  {
    table: 'appointments',
    field: 'date',
    rule: 'not_past',
    appliesTo: 'insert_or_change',
    holds: (date, now) => date >= dayOffset(now, -1),
    message: 'an appointment cannot be booked or moved into the past',
  },
];

/** The date rules `write` breaks (`op` insert: the new row; update: the changed fields only). */
export function checkDateRules(
  table: string,
  op: 'insert' | 'update',
  write: Readonly<Row>,
  now: string,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const r of DATE_RULES) {
    if (r.table !== table || (op === 'update' && r.appliesTo === 'insert')) continue;
    const v = write[r.field];
    if (typeof v === 'string' && !r.holds(v, now))
      issues.push({ field: r.field, rule: r.rule, message: r.message });
  }
  return issues;
}
