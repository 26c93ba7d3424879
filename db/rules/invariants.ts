/**
 * Cross-row rules that offline work can break (DESIGN §4a): one bed, one open admission per patient,
 * a doctor or a resource booked once per slot, no batch below zero, no bill paid beyond its total.
 *
 * Each rule is one query (drizzle `sql`, portable: db/derived/portable-sql.ts) over the rows that
 * decide it for some *subjects* (beds, patients, `doctor/date` slots, resources, batches, bills) and
 * one pure verdict over those rows. Both ends run the same pair:
 * - the workstation core, inside the transaction of an operation: it judges the subjects the
 *   operation touches before and after its writes, and refuses the operation (rolling it back) when
 *   it makes a rule worse — where its own data proves it;
 * - the server, after applying a batch: a subject that now breaks a rule becomes an alert and a task
 *   for the person who can put it right (never a rejected write), and an alert whose subject holds
 *   again is closed.
 */
import { type SQL, sql } from 'drizzle-orm';
import { billSummaries } from '../derived/billing.ts';
import { inList, numberOf } from '../derived/portable-sql.ts';
import { stockByBatch } from '../derived/stock.ts';
import type { Row } from '../primitives/row.ts';
import { toNormalTimestamp } from '../primitives/timestamp.ts';
import type { AlertKind } from '../schema/communication.ts';

export interface Verdict {
  kind: AlertKind;
  subject_key: string;
  /** How far the rule is broken: 0 when it holds (extra admissions, overlapping pairs, units below zero…). */
  excess: number;
  /** The rows involved, e.g. both admissions. */
  related_ids: string[];
  ward_id: string | null;
  patient_id: string | null;
  /** The person who can put it right (ward nurse in charge, the cashier, …); null: the admins. */
  assignee: string | null;
  /** For the alert and the task: says what and what to do, without clinical detail. */
  message: string;
  /** The sentence the workstation refuses with, where this case needs its own (else the rule's). */
  refusal?: string;
}

export interface Invariant {
  kind: AlertKind;
  /** The subject a row of each watched table belongs to (null: none). Old and new rows both count. */
  subjects: Readonly<Record<string, (row: Readonly<Row>) => string | null>>;
  /** The rows that decide the rule for these subjects. */
  query: (keys: readonly string[]) => SQL;
  /** One verdict per subject key given, from the query's rows. */
  judge: (keys: readonly string[], rows: readonly Row[]) => Verdict[];
  /** The sentence the workstation refuses with. */
  refusal: string;
}

const str = (v: unknown): string | null =>
  typeof v === 'string' && v !== '' ? v : v == null ? null : String(v);
const groupBy = (rows: readonly Row[], key: string) => {
  const out = new Map<string, Row[]>();
  for (const r of rows) {
    const k = String(r[key]);
    const list = out.get(k) ?? [];
    list.push(r);
    out.set(k, list);
  }
  return out;
};
const holds = (kind: AlertKind, subject_key: string): Verdict => ({
  kind,
  subject_key,
  excess: 0,
  related_ids: [],
  ward_id: null,
  patient_id: null,
  assignee: null,
  message: '',
});

/** Pairs of intervals [start, end) that overlap, and the rows in any of them. */
function overlaps<T extends { start: number; end: number; id: string }>(items: readonly T[]) {
  const sorted = [...items].sort((a, b) => a.start - b.start || (a.id < b.id ? -1 : 1));
  let pairs = 0;
  const involved = new Set<string>();
  for (let i = 0; i < sorted.length; i++)
    for (let j = i + 1; j < sorted.length; j++) {
      const a = sorted[i] as T;
      const b = sorted[j] as T;
      if (b.start >= a.end) break;
      pairs++;
      involved.add(a.id);
      involved.add(b.id);
    }
  return { pairs, involved: sorted.filter((x) => involved.has(x.id)) };
}

const openAdmissions = (column: 'bed_id' | 'patient_id') => (keys: readonly string[]) =>
  sql`SELECT a.${sql.raw(column)} AS subject, a.id, a.patient_id, a.ward_id, a.created_by,
      w.name AS ward_name, w.nurse_in_charge_id AS nurse, b.bed_number
    FROM admissions a
    LEFT JOIN wards w ON w.id = a.ward_id
    LEFT JOIN beds b ON b.id = a.bed_id
    WHERE a.deleted_at IS NULL AND a.status = 'admitted' AND ${inList(sql.raw(`a.${column}`), keys)}
    ORDER BY a.created_at, a.id`;

const bedOccupancy: Invariant = {
  kind: 'bed_double_occupancy',
  subjects: { admissions: (r) => str(r.bed_id) },
  query: openAdmissions('bed_id'),
  judge: (keys, rows) => {
    const by = groupBy(rows, 'subject');
    return keys.map((k) => {
      const list = by.get(k) ?? [];
      if (list.length <= 1) return holds('bed_double_occupancy', k);
      const last = list[list.length - 1] as Row;
      return {
        kind: 'bed_double_occupancy',
        subject_key: k,
        excess: list.length - 1,
        related_ids: list.map((r) => String(r.id)),
        ward_id: str(last.ward_id),
        // The patient admitted last: the one most likely to need another bed (and the task shows
        // on the ward's PCs through that patient).
        patient_id: str(last.patient_id),
        assignee: str(last.nurse) ?? str(last.created_by),
        message: `${list.length} patients are admitted to bed ${str(last.bed_number) ?? '?'} on ${str(last.ward_name) ?? 'the ward'}: move all but one to another bed.`,
      };
    });
  },
  refusal: 'this bed is already occupied: choose another bed, or discharge or transfer its patient first',
};

const oneOpenAdmission: Invariant = {
  kind: 'two_open_admissions',
  subjects: { admissions: (r) => str(r.patient_id) },
  query: openAdmissions('patient_id'),
  judge: (keys, rows) => {
    const by = groupBy(rows, 'subject');
    return keys.map((k) => {
      const list = by.get(k) ?? [];
      if (list.length <= 1) return holds('two_open_admissions', k);
      const last = list[list.length - 1] as Row;
      const wards = [...new Set(list.map((r) => str(r.ward_name) ?? '?'))].join(', ');
      return {
        kind: 'two_open_admissions',
        subject_key: k,
        excess: list.length - 1,
        related_ids: list.map((r) => String(r.id)),
        ward_id: str(last.ward_id),
        patient_id: k,
        assignee: str(last.nurse) ?? str(last.created_by),
        message: `One patient has ${list.length} open admissions (${wards}): discharge or transfer the one that is wrong.`,
      };
    });
  },
  refusal: 'this patient is already admitted: transfer or discharge the open admission instead',
};

/** `doctor/date`: the slot key of an appointment. */
export const doctorDay = (r: Readonly<Row>) =>
  r.doctor_id && r.date ? `${String(r.doctor_id)}/${String(r.date).slice(0, 10)}` : null;
const minutes = (time: unknown) => {
  const m = /^(\d{2}):(\d{2})/.exec(String(time));
  return m ? Number(m[1]) * 60 + Number(m[2]) : 0;
};
const ACTIVE_APPOINTMENT = sql`('scheduled', 'checked_in', 'in_progress')`;

const doctorSlot: Invariant = {
  kind: 'doctor_double_booked',
  subjects: { appointments: doctorDay },
  query: (keys) => {
    const slots = keys.map((k) => {
      const [doctor, date] = k.split('/');
      return sql`(a.doctor_id = ${doctor} AND a.date = ${date})`;
    });
    return sql`SELECT a.id, a.doctor_id, CAST(a.date AS TEXT) AS date, a.time, a.duration_minutes, a.created_by,
        u.last_name AS doctor_name
      FROM appointments a LEFT JOIN users u ON u.id = a.doctor_id
      WHERE a.deleted_at IS NULL AND a.status IN ${ACTIVE_APPOINTMENT}
        AND (${slots.length ? sql.join(slots, sql` OR `) : sql`1 = 0`})
      ORDER BY a.created_at, a.id`;
  },
  judge: (keys, rows) => {
    const by = new Map<string, Row[]>();
    for (const r of rows) {
      const k = doctorDay(r) as string;
      by.set(k, [...(by.get(k) ?? []), r]);
    }
    return keys.map((k) => {
      const list = by.get(k) ?? [];
      const { pairs, involved } = overlaps(
        list.map((r) => ({
          id: String(r.id),
          start: minutes(r.time),
          end: minutes(r.time) + (numberOf(r.duration_minutes) ?? 15),
          row: r,
        })),
      );
      if (pairs === 0) return holds('doctor_double_booked', k);
      const last = involved.map((i) => i.row).at(-1) as Row;
      return {
        kind: 'doctor_double_booked',
        subject_key: k,
        excess: pairs,
        related_ids: involved.map((i) => i.id),
        ward_id: null,
        patient_id: null,
        assignee: str(last.created_by),
        message: `Dr ${str(last.doctor_name) ?? '?'} has overlapping appointments on ${k.split('/')[1]} (${involved.length} bookings): move or cancel one.`,
      };
    });
  },
  refusal: 'the doctor already has an appointment at that time: choose another time',
};

const resourceSlot: Invariant = {
  kind: 'resource_double_booked',
  subjects: { resource_bookings: (r) => str(r.resource_id) },
  query: (keys) =>
    sql`SELECT r.id, r.resource_id, CAST(r.start_time AS TEXT) AS start_time, CAST(r.end_time AS TEXT) AS end_time,
        r.booked_by, x.name AS resource_name
      FROM resource_bookings r LEFT JOIN resources x ON x.id = r.resource_id
      WHERE r.deleted_at IS NULL AND r.status = 'booked' AND ${inList(sql`r.resource_id`, keys)}
      ORDER BY r.created_at, r.id`,
  judge: (keys, rows) => {
    const by = groupBy(rows, 'resource_id');
    const instant = (v: unknown) => Date.parse(toNormalTimestamp(String(v)) ?? '');
    return keys.map((k) => {
      const { pairs, involved } = overlaps(
        (by.get(k) ?? []).map((r) => ({
          id: String(r.id),
          start: instant(r.start_time),
          end: instant(r.end_time),
          row: r,
        })),
      );
      if (pairs === 0) return holds('resource_double_booked', k);
      const last = involved.map((i) => i.row).at(-1) as Row;
      return {
        kind: 'resource_double_booked',
        subject_key: k,
        excess: pairs,
        related_ids: involved.map((i) => i.id),
        ward_id: null,
        patient_id: null,
        assignee: str(last.booked_by),
        message: `${str(last.resource_name) ?? 'A resource'} is booked twice for the same time (${involved.length} bookings): move or cancel one.`,
      };
    });
  },
  refusal: 'this resource is already booked for that time',
};

const stockFloor: Invariant = {
  kind: 'stock_below_zero',
  subjects: { stock_movements: (r) => str(r.stock_batch_id) },
  query: (keys) =>
    sql`SELECT s.stock_batch_id, s.on_hand, bt.batch_number, i.name AS item_name,
        (SELECT m.moved_by FROM stock_movements m WHERE m.stock_batch_id = s.stock_batch_id AND m.quantity < 0
          ORDER BY m.created_at DESC, m.id DESC LIMIT 1) AS last_taker
      FROM (${stockByBatch({ batchIds: keys }).sql}) s
      JOIN stock_batches bt ON bt.id = s.stock_batch_id
      LEFT JOIN medication_items i ON i.id = s.medication_item_id`,
  judge: (keys, rows) => {
    const by = groupBy(rows, 'stock_batch_id');
    return keys.map((k) => {
      const r = by.get(k)?.[0];
      const onHand = numberOf(r?.on_hand) ?? 0;
      if (!r || onHand >= 0) return holds('stock_below_zero', k);
      return {
        kind: 'stock_below_zero',
        subject_key: k,
        excess: -onHand,
        related_ids: [k],
        ward_id: null,
        patient_id: null,
        assignee: str(r.last_taker),
        message: `Batch ${str(r.batch_number) ?? '?'} of ${str(r.item_name) ?? 'an item'} shows ${onHand} in stock: count the shelf and record an adjustment.`,
      };
    });
  },
  refusal: 'not enough stock in this batch',
};

const billCeiling: Invariant = {
  kind: 'bill_overpaid',
  subjects: { payments: (r) => str(r.bill_id), bill_items: (r) => str(r.bill_id), bills: (r) => str(r.id) },
  query: (keys) =>
    sql`SELECT s.*, bl.bill_number, bl.status AS lifecycle,
        (SELECT p.received_by FROM payments p WHERE p.bill_id = s.bill_id AND p.deleted_at IS NULL
          ORDER BY p.created_at DESC, p.id DESC LIMIT 1) AS last_cashier
      FROM (${billSummaries(keys).sql}) s JOIN bills bl ON bl.id = s.bill_id`,
  judge: (keys, rows) => {
    const by = groupBy(rows, 'bill_id');
    return keys.map((k) => {
      const r = by.get(k)?.[0];
      const paid = numberOf(r?.paid) ?? 0;
      const total = numberOf(r?.total) ?? 0;
      const excess = r?.lifecycle === 'void' ? paid : paid - total;
      if (!r || excess <= 0) return holds('bill_overpaid', k);
      return {
        kind: 'bill_overpaid',
        subject_key: k,
        excess,
        related_ids: [k],
        ward_id: null,
        patient_id: null,
        assignee: str(r.last_cashier),
        message:
          r.lifecycle === 'void'
            ? `Bill ${str(r.bill_number) ?? '?'} is void but has payments: refund them.`
            : `Bill ${str(r.bill_number) ?? '?'} is paid ${excess} (minor units) beyond its total: refund the difference.`,
        ...(r.lifecycle === 'void'
          ? {
              refusal:
                'this bill has payments: refund them before voiding it, or take no payment on a void bill',
            }
          : {}),
      };
    });
  },
  refusal: 'the payment is more than the balance of the bill',
};

/**
 * No dispense from a batch past its expiry date. The subject is the dispense movement itself: it
 * breaks the rule once, for ever (the ledger is append-only), so its alert is raised when it lands
 * and, once the pharmacist has recalled the medicine or spoken to the patient and closed it, never
 * comes back. "After expiry" compares the movement's UTC date with the batch's expiry date.
 */
const expiredDispense: Invariant = {
  kind: 'expired_batch_dispensed',
  subjects: { stock_movements: (r) => (r.movement_type === 'dispense' ? str(r.id) : null) },
  query: (keys) =>
    sql`SELECT m.id, CAST(m.created_at AS TEXT) AS moved_at, m.moved_by, m.quantity,
        CAST(bt.expiry_date AS TEXT) AS expiry_date, bt.batch_number, i.name AS item_name
      FROM stock_movements m
      JOIN stock_batches bt ON bt.id = m.stock_batch_id
      LEFT JOIN medication_items i ON i.id = m.medication_item_id
      WHERE m.deleted_at IS NULL AND m.movement_type = 'dispense' AND ${inList(sql`m.id`, keys)}`,
  judge: (keys, rows) => {
    const by = groupBy(rows, 'id');
    return keys.map((k) => {
      const r = by.get(k)?.[0];
      const movedOn = (toNormalTimestamp(String(r?.moved_at ?? '')) ?? '').slice(0, 10);
      const expiry = String(r?.expiry_date ?? '').slice(0, 10);
      if (!r || !movedOn || !expiry || movedOn <= expiry) return holds('expired_batch_dispensed', k);
      return {
        kind: 'expired_batch_dispensed',
        subject_key: k,
        excess: 1,
        related_ids: [k],
        ward_id: null,
        patient_id: null,
        assignee: str(r.moved_by),
        message: `Batch ${str(r.batch_number) ?? '?'} of ${str(r.item_name) ?? 'an item'} expired on ${expiry} but was dispensed on ${movedOn}: recall it or check on the patient, then close this alert.`,
      };
    });
  },
  refusal: 'this batch is past its expiry date: dispense from another batch',
};

export const INVARIANTS: readonly Invariant[] = [
  bedOccupancy,
  oneOpenAdmission,
  doctorSlot,
  resourceSlot,
  stockFloor,
  billCeiling,
  expiredDispense,
];

/** The subject keys, per rule, that rows of `table` (old and new versions) belong to. */
export function subjectsOf(
  table: string,
  rows: readonly (Readonly<Row> | null | undefined)[],
): Map<Invariant, Set<string>> {
  const out = new Map<Invariant, Set<string>>();
  for (const inv of INVARIANTS) {
    const of = inv.subjects[table];
    if (!of) continue;
    for (const row of rows) {
      const key = row ? of(row) : null;
      if (!key) continue;
      const set = out.get(inv) ?? new Set<string>();
      set.add(key);
      out.set(inv, set);
    }
  }
  return out;
}
