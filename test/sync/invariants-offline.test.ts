/**
 * Every cross-row rule of db/rules/invariants.ts (besides the bed rule, proved in units.test.ts),
 * end to end offline (real Postgres, real HTTP, two headless workstations behind proxies):
 * - two_open_admissions: two ward PCs admit the same patient into different beds;
 * - doctor_double_booked: two reception PCs book one doctor at overlapping times the same day;
 * - resource_double_booked: two reception PCs book one theatre for overlapping times (reception is
 *   the only non-admin kind of PC that holds and writes resource_bookings);
 * - stock_below_zero: two pharmacy PCs each take the last units of a batch;
 * - bill_overpaid: two reception PCs (the cashiers) each take a payment that alone fits the balance.
 * For each: both PCs are cut off; each PC's write is accepted; the same write again on one PC is
 * refused with the rule's refusal sentence and changes nothing there; after reconnecting both writes
 * are on the server (nothing lost, nothing quarantined), with exactly one open alert for the rule's
 * subject, assigned to the person its judge names, and a task for them, seen on the PCs; once a PC
 * puts it right (discharge, move, cancel, stock count, refund) the alert is resolved and its task done.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Row } from '../../db/primitives/index.ts';
import { INVARIANTS } from '../../db/rules/invariants.ts';
import type { AlertKind } from '../../db/schema/communication.ts';
import { unwrap } from '../support/result.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { eventually, localRows, type Station, stationPool } from '../support/stations.ts';

type WriteResult = ReturnType<Station['ws']['writes']['insert']>;

/** One rule's scenario, once its data is on the server and its two PCs are enrolled. */
interface Scenario {
  pc1: Station;
  pc2: Station;
  /** The table both offline writes go to. */
  table: string;
  /** The PC holds what the writes need. */
  ready: (pc: Station) => boolean;
  /** 1: PC 1's write, 2: PC 2's, 3: the same write again on PC 1 (which its data refuses). */
  write: (n: 1 | 2 | 3) => WriteResult;
  /** The alert the merge must raise, given the two rows written. */
  alert: (
    first: Row,
    second: Row,
  ) => {
    subject_key: string;
    assigned_to: string;
    ward_id: string | null;
    patient_id: string | null;
    related_ids: string[];
    /** What the alert and its task must say (the facts the judge worked out). */
    message: RegExp;
  };
  /** The PC whose user gets the task (and puts it right). */
  taskOn: Station;
  /** Puts the rule right through `taskOn`, as the alert's message says. */
  putRight: (first: Row, second: Row) => void;
}

const TITLES: Partial<Record<AlertKind, string>> = {
  two_open_admissions: 'Patient admitted twice',
  doctor_double_booked: 'Doctor double-booked',
  resource_double_booked: 'Resource double-booked',
  stock_below_zero: 'Stock below zero',
  bill_overpaid: 'Bill paid beyond its total',
};

const tomorrow = () => new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);

describe('cross-row rules broken offline on two PCs: accepted, merged, alerted, put right', () => {
  let server: TestServer;
  const pool = stationPool(() => server);
  const station = pool.station;
  const one = async <T extends Row>(text: string, params: unknown[] = []) =>
    (await server.database.query<T>(text, params))[0] as T;
  const userId = (s: Station) => s.ws.session.currentUser()?.id as string;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    await pool.closeAll();
  });
  afterAll(async () => {
    await pool.closeAll();
    await server?.close();
  });

  const patient = async (mrn: string, wardId: string | null = null) =>
    (
      await one<{ id: string }>(
        `INSERT INTO patients (mrn, first_name, last_name, date_of_birth, gender, ward_id)
         VALUES ($1, 'Fatou', 'Ceesay', '1980-03-03', 'female', $2) RETURNING id::text AS id`,
        [mrn, wardId],
      )
    ).id;

  const SCENARIOS: Record<string, () => Promise<Scenario>> = {
    two_open_admissions: async () => {
      await server.createUser('ward_n1', 'nurse');
      await server.createUser('ward_n2', 'nurse');
      const sister = await server.createUser('ward_sister', 'nurse');
      const ward = (
        await one<{ id: string }>(
          `INSERT INTO wards (name, code, ward_type, capacity, nurse_in_charge_id)
           VALUES ('Surgical B', 'SB', 'general', 20, $1) RETURNING id::text AS id`,
          [sister],
        )
      ).id;
      const beds = (
        await server.database.query<{ id: string }>(
          `INSERT INTO beds (ward_id, bed_number) VALUES ($1, '1'), ($1, '2'), ($1, '3') RETURNING id::text AS id`,
          [ward],
        )
      ).map((b) => b.id);
      const p = await patient('P-ADM-1', ward);
      const pc1 = await station({ name: 'Surgical B PC 1', kind: 'ward', ward_id: ward, user: 'ward_n1' });
      const pc2 = await station({ name: 'Surgical B PC 2', kind: 'ward', ward_id: ward, user: 'ward_n2' });
      return {
        pc1,
        pc2,
        table: 'admissions',
        ready: (s) =>
          localRows(s, 'SELECT 1 FROM patients WHERE id = ?', p).length === 1 &&
          localRows(s, 'SELECT 1 FROM beds WHERE ward_id = ?', ward).length === 3,
        write: (n) =>
          (n === 2 ? pc2 : pc1).ws.writes.insert('admissions', {
            patient_id: p,
            ward_id: ward,
            bed_id: beds[n - 1],
            admitted_at: new Date().toISOString(),
          }),
        alert: (first, second) => ({
          subject_key: p,
          // The ward's nurse in charge, not either nurse who admitted.
          assigned_to: sister,
          ward_id: ward,
          patient_id: p,
          related_ids: [String(first.id), String(second.id)],
          message: /^One patient has 2 open admissions \(Surgical B\): discharge or transfer/,
        }),
        // The ward's PCs see the task through the patient (the sister is not logged in on either).
        taskOn: pc2,
        putRight: (_first, second) => {
          unwrap(pc2.ws.writes.update('admissions', String(second.id), { status: 'discharged' }));
        },
      };
    },

    doctor_double_booked: async () => {
      const doctor = await server.createUser('slot_doc', 'doctor');
      await server.createUser('slot_r1', 'receptionist');
      const r2 = await server.createUser('slot_r2', 'receptionist');
      const p1 = await patient('P-APT-1');
      const p2 = await patient('P-APT-2');
      const date = tomorrow();
      const pc1 = await station({ name: 'Front desk 1', kind: 'reception', user: 'slot_r1' });
      const pc2 = await station({ name: 'Front desk 2', kind: 'reception', user: 'slot_r2' });
      // PC 1 books 09:00–09:30, PC 2 09:15–09:45; PC 1 again 09:20–09:35 (its own 09:00 is in the way).
      const slots = { 1: ['09:00', p1, pc1], 2: ['09:15', p2, pc2], 3: ['09:20', p2, pc1] } as const;
      return {
        pc1,
        pc2,
        table: 'appointments',
        ready: (s) =>
          localRows(s, 'SELECT 1 FROM patients WHERE id IN (?, ?)', p1, p2).length === 2 &&
          localRows(s, 'SELECT 1 FROM users WHERE id = ?', doctor).length === 1,
        write: (n) => {
          const [time, p, pc] = slots[n];
          return pc.ws.writes.insert('appointments', {
            patient_id: p,
            doctor_id: doctor,
            date,
            time,
            duration_minutes: n === 3 ? 15 : 30,
          });
        },
        alert: (first, second) => ({
          subject_key: `${doctor}/${date}`,
          // Who booked the later of the overlapping appointments.
          assigned_to: r2,
          ward_id: null,
          patient_id: null,
          related_ids: [String(first.id), String(second.id)],
          message: new RegExp(
            `^Dr Test has overlapping appointments on ${date} \\(2 bookings\\): move or cancel`,
          ),
        }),
        taskOn: pc2,
        putRight: (_first, second) => {
          unwrap(pc2.ws.writes.update('appointments', String(second.id), { time: '10:00' }));
        },
      };
    },

    resource_double_booked: async () => {
      await server.createUser('room_r1', 'receptionist');
      const r2 = await server.createUser('room_r2', 'receptionist');
      const theatre = (
        await one<{ id: string }>(
          `INSERT INTO resources (name, resource_type) VALUES ('Theatre 2', 'operating_room') RETURNING id::text AS id`,
        )
      ).id;
      const pc1 = await station({ name: 'Theatre desk 1', kind: 'reception', user: 'room_r1' });
      const pc2 = await station({ name: 'Theatre desk 2', kind: 'reception', user: 'room_r2' });
      const day = tomorrow();
      const at = (hhmm: string) => `${day}T${hhmm}:00.000Z`;
      // PC 1 10:00–12:00, PC 2 11:00–13:00, PC 1 again 11:30–12:30.
      const spans = {
        1: [at('10:00'), at('12:00'), pc1],
        2: [at('11:00'), at('13:00'), pc2],
        3: [at('11:30'), at('12:30'), pc1],
      } as const;
      return {
        pc1,
        pc2,
        table: 'resource_bookings',
        ready: (s) => localRows(s, 'SELECT 1 FROM resources WHERE id = ?', theatre).length === 1,
        write: (n) => {
          const [start_time, end_time, pc] = spans[n];
          return pc.ws.writes.insert('resource_bookings', {
            resource_id: theatre,
            booked_by: userId(pc),
            start_time,
            end_time,
            purpose: 'elective list',
          });
        },
        alert: (first, second) => ({
          subject_key: theatre,
          // Who booked the later of the overlapping bookings.
          assigned_to: r2,
          ward_id: null,
          patient_id: null,
          related_ids: [String(first.id), String(second.id)],
          message: /^Theatre 2 is booked twice for the same time \(2 bookings\): move or cancel/,
        }),
        taskOn: pc2,
        putRight: (_first, second) => {
          unwrap(pc2.ws.writes.update('resource_bookings', String(second.id), { status: 'cancelled' }));
        },
      };
    },

    stock_below_zero: async () => {
      await server.createUser('stock_p1', 'pharmacist');
      const p2 = await server.createUser('stock_p2', 'pharmacist');
      const { item, batch } = await one<{ item: string; batch: string }>(
        `WITH c AS (INSERT INTO medication_categories (name) VALUES ('Analgesics') RETURNING id),
              i AS (INSERT INTO medication_items (name, category_id, strength, form, unit_price)
                    SELECT 'Paracetamol 500', id, '500 mg', 'tablet', 20 FROM c RETURNING id),
              b AS (INSERT INTO stock_batches (medication_item_id, batch_number, expiry_date)
                    SELECT id, 'PCM-9', '2099-01-01' FROM i RETURNING id, medication_item_id),
              m AS (INSERT INTO stock_movements (stock_batch_id, medication_item_id, movement_type, quantity)
                    SELECT id, medication_item_id, 'receipt', 5 FROM b RETURNING 1)
         SELECT b.medication_item_id::text AS item, b.id::text AS batch FROM b, (SELECT count(*) FROM m) m`,
      );
      const pc1 = await station({ name: 'Main pharmacy', kind: 'pharmacy', user: 'stock_p1' });
      const pc2 = await station({ name: 'Outpatient pharmacy', kind: 'pharmacy', user: 'stock_p2' });
      const take = (pc: Station, quantity: number) =>
        pc.ws.writes.insert('stock_movements', {
          stock_batch_id: batch,
          medication_item_id: item,
          movement_type: 'dispense',
          quantity,
          moved_by: userId(pc),
        });
      return {
        pc1,
        pc2,
        table: 'stock_movements',
        // Each table has its own stream: the batch itself must be here as well as its movement.
        ready: (s) =>
          localRows(s, 'SELECT 1 FROM stock_movements WHERE stock_batch_id = ?', batch).length === 1 &&
          localRows(s, 'SELECT 1 FROM stock_batches WHERE id = ?', batch).length === 1,
        // Each takes the batch's last 5; PC 1 then takes one more of its (now empty) batch.
        write: (n) => (n === 1 ? take(pc1, -5) : n === 2 ? take(pc2, -5) : take(pc1, -1)),
        alert: () => ({
          subject_key: batch,
          // The pharmacist who made the last taking.
          assigned_to: p2,
          ward_id: null,
          patient_id: null,
          related_ids: [batch],
          message: /^Batch PCM-9 of Paracetamol 500 shows -5 in stock: count the shelf/,
        }),
        taskOn: pc2,
        // The shelf is counted (empty) and the ledger brought back to it: one unit of work.
        putRight: () => {
          unwrap(
            pc2.ws.writes.unit((w) => {
              const adj = w.insert('stock_adjustments', {
                medication_item_id: item,
                stock_batch_id: batch,
                adjustment_type: 'count_correction',
                quantity: 5,
                reason: 'shelf counted: empty, ledger showed -5',
                adjusted_by: userId(pc2),
              });
              w.insert('stock_movements', {
                stock_batch_id: batch,
                medication_item_id: item,
                movement_type: 'adjustment',
                quantity: 5,
                moved_by: userId(pc2),
                source_table: 'stock_adjustments',
                source_id: adj.id,
              });
            }),
          );
        },
      };
    },

    bill_overpaid: async () => {
      await server.createUser('cash_1', 'receptionist');
      const c2 = await server.createUser('cash_2', 'receptionist');
      const p = await patient('P-BILL-1');
      const bill = (
        await one<{ id: string }>(
          `WITH b AS (INSERT INTO bills (bill_number, patient_id, issued_at, status)
                      VALUES ('B-TEST-000001', $1, now(), 'issued') RETURNING id),
                i AS (INSERT INTO bill_items (bill_id, description, quantity, unit_price)
                      SELECT id, 'Consultation', 1, 1000 FROM b RETURNING 1)
           SELECT b.id::text AS id FROM b, (SELECT count(*) FROM i) i`,
          [p],
        )
      ).id;
      const pc1 = await station({ name: 'Cashier 1', kind: 'reception', user: 'cash_1' });
      const pc2 = await station({ name: 'Cashier 2', kind: 'reception', user: 'cash_2' });
      const pay = (pc: Station, amount: number, method = 'cash', amends_id?: string) =>
        pc.ws.writes.insert('payments', {
          bill_id: bill,
          amount,
          method,
          received_by: userId(pc),
          paid_at: new Date().toISOString(),
          ...(amends_id ? { amends_id } : {}),
        });
      return {
        pc1,
        pc2,
        table: 'payments',
        ready: (s) =>
          localRows(s, 'SELECT 1 FROM bill_items WHERE bill_id = ?', bill).length === 1 &&
          localRows(s, 'SELECT 1 FROM bills WHERE id = ?', bill).length === 1,
        // The bill is 1000: 600 and 700 each fit alone; 600 again on PC 1 does not.
        write: (n) => (n === 1 ? pay(pc1, 600) : n === 2 ? pay(pc2, 700, 'card') : pay(pc1, 600)),
        alert: () => ({
          subject_key: bill,
          // The cashier who took the last payment.
          assigned_to: c2,
          ward_id: null,
          patient_id: null,
          related_ids: [bill],
          message: /^Bill B-TEST-000001 is paid 300 \(minor units\) beyond its total: refund/,
        }),
        taskOn: pc2,
        putRight: (_first, second) => {
          // Voiding a bill that has payments is refused in words that fit a void, not an overpayment.
          const voided = pc2.ws.writes.update('bills', bill, { status: 'void' });
          expect(voided.ok ? 'accepted' : voided.error.message).toMatch(
            /^this bill has payments: refund them before voiding it/,
          );
          unwrap(pay(pc2, 300, 'refund', String(second.id)));
        },
      };
    },
  };

  it.each(Object.keys(SCENARIOS) as AlertKind[])(
    '%s: both offline writes land, one alert and task for the right person, closed once put right',
    async (kind) => {
      const rule = INVARIANTS.find((i) => i.kind === kind);
      expect(rule?.refusal).toBeTruthy();
      const setup = SCENARIOS[kind] as () => Promise<Scenario>;
      const sc = await setup();
      const { pc1, pc2, table } = sc;
      await eventually(() => sc.ready(pc1) && sc.ready(pc2), 'the data on both PCs');
      pc1.proxy.cut();
      pc2.proxy.cut();

      // Each PC alone sees the rule hold: both writes are accepted.
      const first = unwrap(sc.write(1));
      const second = unwrap(sc.write(2));

      // The same again on PC 1: its own data proves the rule broken, refused whole, nothing changed.
      const snapshot = () => ({
        rows: localRows(pc1, `SELECT * FROM ${table} ORDER BY id`),
        outbox: localRows(pc1, 'SELECT id FROM outbox ORDER BY id'),
      });
      const before = snapshot();
      const again = sc.write(3);
      expect(again.ok ? 'accepted' : again.error).toEqual({ code: 'rule', message: rule?.refusal });
      expect(snapshot()).toEqual(before);

      // Back online: PC 1 alone breaks nothing; with PC 2's write the rule breaks on the server.
      pc1.proxy.pass();
      await pc1.ws.drain();
      const alertsOf = () =>
        server.database.query<Row>(
          `SELECT subject_key, status, message, assigned_to::text AS assigned_to, task_id::text AS task_id,
                  ward_id::text AS ward_id, patient_id::text AS patient_id, related_ids
           FROM alerts WHERE kind = $1 AND deleted_at IS NULL`,
          [kind],
        );
      expect(await alertsOf()).toEqual([]);
      pc2.proxy.pass();
      await pc2.ws.drain();

      // Nothing lost, nothing quarantined.
      const landed = await server.database.query<{ id: string }>(
        `SELECT id::text AS id FROM ${table} WHERE id = ANY($1::uuid[]) AND deleted_at IS NULL`,
        [[first.id, second.id]],
      );
      expect(landed.map((r) => r.id).sort()).toEqual([String(first.id), String(second.id)].sort());
      expect(
        await server.database.query(
          `SELECT table_name, reason FROM quarantined_mutations WHERE workstation_id = ANY($1::uuid[])`,
          [[pc1.id, pc2.id]],
        ),
      ).toEqual([]);
      for (const pc of [pc1, pc2]) expect(pc.ws.status()).toMatchObject({ outboxPending: 0, quarantined: 0 });

      // Exactly one open alert for the subject, for the person the rule names, with a task.
      const want = sc.alert(first, second);
      const alerts = await alertsOf();
      const sorted = (ids: unknown) => [...(ids as string[])].sort();
      expect(alerts.map((a) => ({ ...a, related_ids: sorted(a.related_ids) }))).toEqual([
        {
          subject_key: want.subject_key,
          status: 'open',
          message: expect.stringMatching(want.message),
          assigned_to: want.assigned_to,
          task_id: expect.any(String),
          ward_id: want.ward_id,
          patient_id: want.patient_id,
          related_ids: sorted(want.related_ids),
        },
      ]);
      const taskId = alerts[0]?.task_id as string;
      expect(
        await server.database.query(
          `SELECT assigned_to::text AS assigned_to, status, priority, title, description FROM tasks WHERE id = $1`,
          [taskId],
        ),
      ).toEqual([
        {
          assigned_to: want.assigned_to,
          status: 'open',
          priority: 'high',
          title: TITLES[kind],
          description: alerts[0]?.message,
        },
      ]);

      // Both PCs see the alert; the one the task's person works on sees the task.
      for (const pc of [pc1, pc2])
        await eventually(
          () => localRows(pc, `SELECT 1 FROM alerts WHERE kind = ? AND status = 'open'`, kind).length === 1,
          `the alert on ${pc === pc1 ? 'PC 1' : 'PC 2'}`,
        );
      await eventually(
        () =>
          localRows(sc.taskOn, `SELECT 1 FROM tasks WHERE id = ? AND status = 'open'`, taskId).length === 1,
        'the task on its PC',
      );
      // The PC that puts it right has both rows (it judges the fix against them).
      await eventually(
        () =>
          localRows(sc.taskOn, `SELECT 1 FROM ${table} WHERE id IN (?, ?)`, first.id, second.id).length === 2,
        'both rows on the PC that puts it right',
      );

      // Put right through a PC: the rule holds again, the alert is resolved and its task done.
      sc.putRight(first, second);
      await sc.taskOn.ws.drain();
      expect(await alertsOf()).toEqual([expect.objectContaining({ status: 'resolved', task_id: taskId })]);
      expect(await server.database.query(`SELECT status FROM tasks WHERE id = $1`, [taskId])).toEqual([
        { status: 'done' },
      ]);
      expect(
        await server.database.query(
          `SELECT 1 FROM quarantined_mutations WHERE workstation_id = ANY($1::uuid[])`,
          [[pc1.id, pc2.id]],
        ),
      ).toEqual([]);
      // Still nothing lost: both original rows stay.
      expect(
        await server.database.query(
          `SELECT 1 FROM ${table} WHERE id = ANY($1::uuid[]) AND deleted_at IS NULL`,
          [[first.id, second.id]],
        ),
      ).toHaveLength(2);
      await eventually(
        () =>
          localRows(sc.taskOn, `SELECT 1 FROM alerts WHERE kind = ? AND status = 'resolved'`, kind).length ===
          1,
        'the alert resolved on the PC',
      );
    },
    90_000,
  );
});
