/**
 * Units of work and cross-row rules, end to end (real Postgres, real HTTP, two or more headless
 * workstations behind proxies):
 * - a dispense-shaped unit (a dispensing log, a stock movement, a prescription status change) whose
 *   third write the server refuses: all three quarantined with the reason, none on the server, all
 *   undone on the workstation together and shown in its quarantine list;
 * - a status move no workstation would make (a tampered client) is quarantined by the server;
 * - date rules are held on the server by the device time of the write (a booking made offline for
 *   the next day lands days later; a future birth date is quarantined);
 * - two ward PCs cut off admit two patients into the same bed: both admissions land, and the ward
 *   gets one alert and one task (nothing is lost, nothing silently rejected); when one patient moves
 *   bed, the alert closes with its task;
 * - a dispense from an expired batch is refused on the PC; one the PC could not know was expired
 *   (the expiry corrected on the server meanwhile) lands, with an alert and a task for its pharmacist.
 */
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Row } from '../../db/primitives/index.ts';
import { unwrap } from '../support/result.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { eventually, localRows, type Station, stationPool } from '../support/stations.ts';

describe('units of work and cross-row rules through the server', () => {
  let server: TestServer;
  const pool = stationPool(() => server);
  let ward: string;
  let bed: string;
  let nurseInCharge: string;

  const station = pool.station;

  beforeAll(async () => {
    server = await startTestServer();
    await server.createUser('pharm1', 'pharmacist');
    await server.createUser('doc1', 'doctor');
    await server.createUser('nurse1', 'nurse');
    await server.createUser('nurse2', 'nurse');
    nurseInCharge = await server.createUser('sister1', 'nurse');
    const [w] = await server.database.query<{ id: string }>(
      `INSERT INTO wards (name, code, ward_type, capacity, nurse_in_charge_id)
       VALUES ('Medical A', 'MA', 'general', 20, $1) RETURNING id`,
      [nurseInCharge],
    );
    ward = w?.id as string;
    const [b] = await server.database.query<{ id: string }>(
      `INSERT INTO beds (ward_id, bed_number) VALUES ($1, '7') RETURNING id`,
      [ward],
    );
    bed = b?.id as string;
  });

  afterAll(async () => {
    await pool.closeAll();
    await server?.close();
  });

  it('refuses a whole dispense unit when its third write is refused: nothing lands, all undone locally, shown in the queue', async () => {
    const pharmacy = await station({ name: 'Pharmacy', kind: 'pharmacy', user: 'pharm1' });
    const pharmacist = pharmacy.ws.session.currentUser()?.id as string;
    const doctor = (
      await server.database.query<{ id: string }>(`SELECT id FROM users WHERE username = 'doc1'`)
    )[0]?.id as string;
    const [rx] = await server.database.query<{ id: string; item: string; batch: string }>(
      `WITH c AS (INSERT INTO medication_categories (name) VALUES ('Antibiotics') RETURNING id),
            i AS (INSERT INTO medication_items (name, category_id, strength, form, unit_price)
                  SELECT 'Amoxicillin 500', id, '500 mg', 'capsule', 500 FROM c RETURNING id),
            b AS (INSERT INTO stock_batches (medication_item_id, batch_number, expiry_date)
                  SELECT id, 'AMX-1', '2099-01-01' FROM i RETURNING id, medication_item_id),
            m AS (INSERT INTO stock_movements (stock_batch_id, medication_item_id, movement_type, quantity)
                  SELECT id, medication_item_id, 'receipt', 100 FROM b RETURNING 1),
            p AS (INSERT INTO patients (mrn, first_name, last_name, date_of_birth, gender)
                  VALUES ('P-RX-1', 'Binta', 'Bah', '1990-02-02', 'female') RETURNING id),
            r AS (INSERT INTO prescriptions (patient_id, prescriber_id, medication_name, dosage, frequency, quantity)
                  SELECT p.id, $1, 'Amoxicillin', '500 mg', 'tds', 21 FROM p RETURNING id)
       SELECT r.id, b.medication_item_id AS item, b.id AS batch FROM r, b`,
      [doctor],
    );
    await eventually(
      () => pharmacy.ws.get('prescriptions', rx?.id as string) !== null,
      'prescription on the PC',
    );
    await eventually(
      () => localRows(pharmacy, 'SELECT 1 FROM stock_movements').length === 1,
      'stock on the PC',
    );
    pharmacy.proxy.cut();
    const unit = unwrap(
      pharmacy.ws.writes.unit((w) => {
        const log = w.insert('dispensing_logs', {
          prescription_id: rx?.id,
          medication_item_id: rx?.item,
          stock_batch_id: rx?.batch,
          quantity: 21,
          dispensed_by: pharmacist,
          dispensed_at: w.now,
        });
        w.insert('stock_movements', {
          stock_batch_id: rx?.batch,
          medication_item_id: rx?.item,
          movement_type: 'dispense',
          quantity: -21,
          moved_by: pharmacist,
          source_table: 'dispensing_logs',
          source_id: log.id,
        });
        w.update('prescriptions', rx?.id as string, { status: 'dispensed' });
        return w.txId;
      }),
    );
    expect(localRows(pharmacy, 'SELECT status FROM prescriptions')).toEqual([{ status: 'dispensed' }]);
    // The third write, as an outdated or tampered client would send it: it also "changes" the dosage,
    // which a pharmacist may not touch. The core would never write this; the server must refuse it,
    // and with it the whole unit.
    pharmacy.sqlite
      .prepare(`UPDATE outbox SET payload = ? WHERE tx_id = ? AND table_name = 'prescriptions'`)
      .run(
        JSON.stringify({
          status: { base: 'active', value: 'dispensed' },
          dosage: { base: '500 mg', value: '500 mg' },
        }),
        unit,
      );
    pharmacy.proxy.pass();
    await pharmacy.ws.drain();

    const q = await server.database.query<{ table_name: string; reason: string; tx_id: string }>(
      `SELECT table_name, reason, tx_id::text AS tx_id FROM quarantined_mutations WHERE tx_id = $1 ORDER BY created_at`,
      [unit],
    );
    expect(q.map((r) => r.table_name).sort()).toEqual([
      'dispensing_logs',
      'prescriptions',
      'stock_movements',
    ]);
    expect(q.find((r) => r.table_name === 'prescriptions')?.reason).toMatch(
      /pharmacist may not update prescriptions.dosage/,
    );
    expect(q.find((r) => r.table_name === 'stock_movements')?.reason).toMatch(
      /refused with the rest of its unit of work: its update of prescriptions was refused/,
    );
    // Nothing of the unit on the server.
    expect(await server.database.query(`SELECT 1 FROM dispensing_logs`)).toEqual([]);
    expect(await server.database.query(`SELECT sum(quantity)::int AS n FROM stock_movements`)).toEqual([
      { n: 100 },
    ]);
    expect(await server.database.query(`SELECT status FROM prescriptions`)).toEqual([{ status: 'active' }]);
    // All undone on the workstation, and in its quarantine list, as one unit.
    expect(localRows(pharmacy, 'SELECT 1 FROM dispensing_logs')).toEqual([]);
    expect(localRows(pharmacy, 'SELECT sum(quantity) AS n FROM stock_movements')).toEqual([{ n: 100 }]);
    expect(localRows(pharmacy, 'SELECT status FROM prescriptions')).toEqual([{ status: 'active' }]);
    await eventually(async () => {
      const list = await pharmacy.ws.api.sync.quarantine({ status: 'open' });
      return list.ok && list.value.filter((i) => i.txId === unit).length === 3;
    }, 'the unit in the quarantine list');
    expect(pharmacy.ws.status().quarantined).toBe(3);
  });

  it('quarantines a status move no workstation would make (a tampered client sends it straight)', async () => {
    const desk = await station({ name: 'Desk', kind: 'admin', user: 'admin' });
    const [a] = await server.database.query<{ id: string; version: number }>(
      `WITH p AS (INSERT INTO patients (mrn, first_name, last_name, date_of_birth, gender)
                  VALUES ('P-TX-1', 'Ebrima', 'Sanneh', '1970-01-01', 'male') RETURNING id)
       INSERT INTO appointments (patient_id, doctor_id, date, time, status)
       SELECT p.id, (SELECT id FROM users WHERE username = 'doc1'), '2099-01-01', '09:00', 'cancelled' FROM p
       RETURNING id, version`,
    );
    await eventually(() => desk.ws.get('appointments', a?.id as string) !== null, 'appointment on the desk');
    const author = desk.ws.session.currentUser()?.id as string;
    const id = uuidv7();
    desk.sqlite
      .prepare(
        `INSERT INTO outbox (id, created_at, seq, tx_id, table_name, row_id, operation, payload, base_version,
           author_id, hlc, device_time, status)
         VALUES (?, ?, (SELECT coalesce(max(seq), 0) + 1 FROM outbox), ?, 'appointments', ?, 'update', ?, ?, ?, ?, ?, 'pending')`,
      )
      .run(
        id,
        new Date().toISOString(),
        id,
        a?.id,
        JSON.stringify({ status: { base: 'cancelled', value: 'scheduled' } }),
        a?.version,
        author,
        desk.ws.hlc.now(),
        new Date().toISOString(),
      );
    await desk.ws.drain();
    const [q] = await server.database.query<{ reason: string }>(
      `SELECT reason FROM quarantined_mutations WHERE mutation_id = $1`,
      [id],
    );
    expect(q?.reason).toMatch(/a cancelled appointment cannot change status any more/);
    expect(await server.database.query(`SELECT status FROM appointments WHERE id = $1`, [a?.id])).toEqual([
      { status: 'cancelled' },
    ]);
  });

  it('holds date rules on the server by the device time of the write: a booking made offline lands late, a future birth date does not', async () => {
    const desk = await station({ name: 'Desk D', kind: 'admin', user: 'admin' });
    const author = desk.ws.session.currentUser()?.id as string;
    const doctor = (
      await server.database.query<{ id: string }>(`SELECT id FROM users WHERE username = 'doc1'`)
    )[0]?.id as string;
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString();
    // Written straight into the outbox, as a client that skipped its own checks (or whose clock said
    // another day) would send it: the server judges what arrives.
    const send = (table: string, data: Record<string, unknown>, deviceTime: string) => {
      const id = uuidv7();
      const rowId = uuidv7();
      desk.sqlite
        .prepare(
          `INSERT INTO outbox (id, created_at, seq, tx_id, table_name, row_id, operation, payload,
             author_id, hlc, device_time, status)
           VALUES (?, ?, (SELECT coalesce(max(seq), 0) + 1 FROM outbox), ?, ?, ?, 'insert', ?, ?, ?, ?, 'pending')`,
        )
        .run(
          id,
          deviceTime,
          id,
          table,
          rowId,
          JSON.stringify({ id: rowId, ...data }),
          author,
          desk.ws.hlc.now(),
          deviceTime,
        );
      return { id, rowId };
    };
    const [p] = await server.database.query<{ id: string }>(
      `INSERT INTO patients (mrn, first_name, last_name, date_of_birth, gender)
       VALUES ('P-DATE-1', 'Lamin', 'Darboe', '1960-01-01', 'male') RETURNING id`,
    );
    const unborn = send(
      'patients',
      {
        mrn: 'P-DATE-2',
        first_name: 'Not',
        last_name: 'Yet',
        date_of_birth: day(30).slice(0, 10),
        gender: 'female',
      },
      day(0),
    );
    // Booked three days ago (on the device) for two days ago: in the past now, not when it was made.
    const late = send(
      'appointments',
      { patient_id: p?.id, doctor_id: doctor, date: day(-2).slice(0, 10), time: '09:00' },
      day(-3),
    );
    // Booked now for three days ago: refused.
    const past = send(
      'appointments',
      { patient_id: p?.id, doctor_id: doctor, date: day(-3).slice(0, 10), time: '10:00' },
      day(0),
    );
    await desk.ws.drain();
    const reasons = await server.database.query<{ mutation_id: string; reason: string }>(
      `SELECT mutation_id::text AS mutation_id, reason FROM quarantined_mutations WHERE mutation_id = ANY($1::uuid[])`,
      [[unborn.id, late.id, past.id]],
    );
    const reasonOf = (id: string) => reasons.find((r) => r.mutation_id === id)?.reason;
    expect(reasonOf(unborn.id)).toMatch(/date_of_birth cannot be in the future/);
    expect(reasonOf(past.id)).toMatch(/an appointment cannot be booked or moved into the past/);
    expect(reasonOf(late.id)).toBeUndefined();
    expect(await server.database.query(`SELECT time FROM appointments WHERE id = $1`, [late.rowId])).toEqual([
      { time: '09:00' },
    ]);
    expect(await server.database.query(`SELECT 1 FROM patients WHERE id = $1`, [unborn.rowId])).toEqual([]);
  });

  it('lands both admissions into one bed made offline on two PCs, and raises one alert and one task for the ward', async () => {
    const pc1 = await station({ name: 'Ward A PC 1', kind: 'ward', ward_id: ward, user: 'nurse1' });
    const pc2 = await station({ name: 'Ward A PC 2', kind: 'ward', ward_id: ward, user: 'nurse2' });
    const patients = await server.database.query<{ id: string }>(
      `INSERT INTO patients (mrn, first_name, last_name, date_of_birth, gender, ward_id)
       VALUES ('P-BED-1', 'Awa', 'Touray', '1955-01-01', 'female', $1), ('P-BED-2', 'Kaddy', 'Jobe', '1962-01-01', 'female', $1)
       RETURNING id`,
      [ward],
    );
    await eventually(
      () =>
        localRows(pc1, 'SELECT id FROM beds').length === 1 &&
        localRows(pc2, 'SELECT id FROM patients').length === 2,
      'ward data on both PCs',
    );
    pc1.proxy.cut();
    pc2.proxy.cut();
    const admit = (s: Station, patientId: string) =>
      unwrap(
        s.ws.writes.insert('admissions', {
          patient_id: patientId,
          ward_id: ward,
          bed_id: bed,
          admitted_at: new Date().toISOString(),
        }),
      );
    const first = admit(pc1, patients[0]?.id as string);
    const second = admit(pc2, patients[1]?.id as string);
    // Each PC alone sees the bed free; a second admission into it on the same PC is refused.
    const again = pc1.ws.writes.insert('admissions', {
      patient_id: patients[1]?.id,
      ward_id: ward,
      bed_id: bed,
      admitted_at: new Date().toISOString(),
    });
    expect(again.ok ? 'ok' : again.error.message).toMatch(/bed is already occupied/);
    pc1.proxy.pass();
    pc2.proxy.pass();
    await pc1.ws.drain();
    await pc2.ws.drain();

    const landed = await server.database.query<{ id: string }>(
      `SELECT id::text AS id FROM admissions WHERE bed_id = $1 AND status = 'admitted' ORDER BY id`,
      [bed],
    );
    expect(landed.map((r) => r.id).sort()).toEqual([String(first.id), String(second.id)].sort());
    const alerts = await server.database.query<Row>(
      `SELECT kind, subject_key, status, assigned_to::text AS assigned_to, task_id::text AS task_id, ward_id::text AS ward_id
       FROM alerts WHERE kind = 'bed_double_occupancy'`,
    );
    expect(alerts).toEqual([
      {
        kind: 'bed_double_occupancy',
        subject_key: bed,
        status: 'open',
        assigned_to: nurseInCharge,
        task_id: expect.any(String),
        ward_id: ward,
      },
    ]);
    const tasks = await server.database.query<Row>(
      `SELECT assigned_to::text AS assigned_to, status, priority, title FROM tasks WHERE id = $1`,
      [alerts[0]?.task_id],
    );
    expect(tasks).toEqual([
      { assigned_to: nurseInCharge, status: 'open', priority: 'high', title: 'Bed occupied twice' },
    ]);
    // The ward's PCs see the alert and the task.
    for (const s of [pc1, pc2])
      await eventually(
        () =>
          localRows(s, `SELECT 1 FROM alerts WHERE status = 'open'`).length === 1 &&
          localRows(s, `SELECT 1 FROM tasks WHERE id = ?`, alerts[0]?.task_id).length === 1,
        'alert and task on the ward PC',
      );

    // A nurse moves the second patient to another bed: the rule holds again, the alert and task close.
    const [other] = await server.database.query<{ id: string }>(
      `INSERT INTO beds (ward_id, bed_number) VALUES ($1, '8') RETURNING id`,
      [ward],
    );
    await eventually(
      () => localRows(pc2, 'SELECT 1 FROM beds WHERE id = ?', other?.id).length === 1,
      'new bed on PC 2',
    );
    unwrap(pc2.ws.writes.update('admissions', String(second.id), { bed_id: other?.id }));
    await pc2.ws.drain();
    expect(
      await server.database.query(`SELECT status FROM alerts WHERE kind = 'bed_double_occupancy'`),
    ).toEqual([{ status: 'resolved' }]);
    expect(
      await server.database.query(`SELECT status FROM tasks WHERE id = $1`, [alerts[0]?.task_id]),
    ).toEqual([{ status: 'done' }]);
  });

  it('refuses a dispense from an expired batch on the PC; one the PC could not know was expired lands, with an alert for its pharmacist', async () => {
    const pharmacy = await station({ name: 'Pharmacy 2', kind: 'pharmacy', user: 'pharm1' });
    const pharmacist = pharmacy.ws.session.currentUser()?.id as string;
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const [stock] = await server.database.query<{ item: string; expired: string; good: string }>(
      `WITH c AS (INSERT INTO medication_categories (name) VALUES ('Analgesics') RETURNING id),
            i AS (INSERT INTO medication_items (name, category_id, strength, form, unit_price)
                  SELECT 'Paracetamol 500', id, '500 mg', 'tablet', 50 FROM c RETURNING id),
            e AS (INSERT INTO stock_batches (medication_item_id, batch_number, expiry_date)
                  SELECT id, 'PCM-OLD', $1::date FROM i RETURNING id, medication_item_id),
            g AS (INSERT INTO stock_batches (medication_item_id, batch_number, expiry_date)
                  SELECT id, 'PCM-NEW', '2099-01-01' FROM i RETURNING id),
            m AS (INSERT INTO stock_movements (stock_batch_id, medication_item_id, movement_type, quantity)
                  SELECT e.id, e.medication_item_id, 'receipt', 50 FROM e
                  UNION ALL SELECT g.id, e.medication_item_id, 'receipt', 50 FROM g, e RETURNING 1)
       SELECT e.medication_item_id AS item, e.id AS expired, g.id AS good FROM e, g`,
      [yesterday],
    );
    const item = stock?.item as string;
    // Each table has its own stream: the movements can arrive before the batches they belong to.
    await eventually(
      () =>
        localRows(pharmacy, 'SELECT 1 FROM stock_movements WHERE medication_item_id = ?', item).length ===
          2 &&
        localRows(pharmacy, 'SELECT 1 FROM stock_batches WHERE medication_item_id = ?', item).length === 2,
      'both batches and their stock on the PC',
    );
    const dispense = (batch: string) =>
      pharmacy.ws.writes.insert('stock_movements', {
        stock_batch_id: batch,
        medication_item_id: item,
        movement_type: 'dispense',
        quantity: -10,
        moved_by: pharmacist,
      });

    // Where the PC knows the batch has expired, the dispense is refused and nothing is written.
    const refused = dispense(stock?.expired as string);
    expect(refused.ok ? 'ok' : refused.error.message).toMatch(
      /past its expiry date: dispense from another batch/,
    );
    expect(localRows(pharmacy, `SELECT 1 FROM stock_movements WHERE movement_type = 'dispense'`)).toEqual([]);
    expect(pharmacy.ws.status().outboxPending).toBe(0);

    // Cut off, the pharmacist dispenses from the good batch while the store corrects its expiry date
    // (typed wrong at receipt) to yesterday: the dispense was made in good faith and lands; the
    // pharmacist gets an alert and a task to recall the medicine.
    pharmacy.proxy.cut();
    const made = unwrap(dispense(stock?.good as string));
    await server.database.query(`UPDATE stock_batches SET expiry_date = $1::date WHERE id = $2`, [
      yesterday,
      stock?.good,
    ]);
    pharmacy.proxy.pass();
    await pharmacy.ws.drain();
    expect(
      await server.database.query(`SELECT quantity FROM stock_movements WHERE id = $1`, [made.id]),
    ).toEqual([{ quantity: -10 }]);
    const alerts = await server.database.query<Row>(
      `SELECT subject_key, status, assigned_to::text AS assigned_to, message, task_id IS NOT NULL AS has_task
       FROM alerts WHERE kind = 'expired_batch_dispensed'`,
    );
    expect(alerts).toEqual([
      {
        subject_key: String(made.id),
        status: 'open',
        assigned_to: pharmacist,
        message: expect.stringMatching(
          /^Batch PCM-NEW of Paracetamol 500 expired on .* but was dispensed on/,
        ),
        has_task: true,
      },
    ]);
    await eventually(
      () => localRows(pharmacy, `SELECT 1 FROM alerts WHERE kind = 'expired_batch_dispensed'`).length === 1,
      'the alert on the pharmacy PC',
    );
  });
});
