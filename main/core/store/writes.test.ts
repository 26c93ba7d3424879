import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HLC_PATTERN } from '../../../db/sync-contract.ts';
import { count, makeWrites, newId, openTestDb, patient, type TestDb } from '../test-support.ts';
import type { OutboxEntry } from './outbox.ts';

const doctor = { id: newId(), role: 'doctor' };
const rows = (t: TestDb, table: string) => count(t, `SELECT COUNT(*) AS n FROM "${table}"`);
const receptionist = { id: newId(), role: 'receptionist' };

describe('local writes', () => {
  let t: TestDb;
  beforeEach(() => {
    t = openTestDb();
  });
  afterEach(() => t.cleanup());

  const outbox = () => t.local.sqlite.prepare('SELECT * FROM outbox ORDER BY seq').all() as OutboxEntry[];

  it('insert changes the row and appends the mutation in one transaction', () => {
    const { writes } = makeWrites(t, doctor);
    const r = writes.insert('patients', patient({ consent_sms: false }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.value.created_by).toBe(doctor.id);
    expect(r.value.version).toBe(1);
    expect(r.value.consent_sms).toBe(false);
    const [e] = outbox();
    expect(e?.operation).toBe('insert');
    expect(e?.row_id).toBe(r.value.id);
    expect(e?.seq).toBe(1);
    expect(e?.author_id).toBe(doctor.id);
    expect(e?.status).toBe('pending');
    expect(e?.hlc).toMatch(HLC_PATTERN);
    const payload = JSON.parse(e?.payload ?? '{}');
    expect(payload).toMatchObject({ id: r.value.id, first_name: 'Awa', consent_sms: false });
    expect(payload.created_by).toBeUndefined();
    expect(payload.version).toBeUndefined();
  });

  it('a write failing on a database constraint leaves neither row nor outbox entry', () => {
    const { writes } = makeWrites(t, doctor);
    const p = patient();
    expect(writes.insert('patients', p).ok).toBe(true);
    // Same MRN: the UNIQUE index refuses the row inside the transaction.
    const dup = writes.insert('patients', { ...p, first_name: 'Other' });
    expect(dup).toMatchObject({ ok: false, error: { code: 'constraint' } });
    expect(rows(t, 'patients')).toBe(1);
    expect(outbox()).toHaveLength(1);
    // Same id given twice.
    const id = newId();
    expect(writes.insert('patients', patient({ id })).ok).toBe(true);
    expect(writes.insert('patients', patient({ id })).ok).toBe(false);
    expect(rows(t, 'patients')).toBe(2);
    expect(outbox().map((e) => e.seq)).toEqual([1, 2]);
  });

  it('refuses invalid writes, unknown tables, and anonymous writes, changing nothing', () => {
    const { writes, setActor } = makeWrites(t, doctor);
    const bad = writes.insert('patients', {
      ...patient(),
      gender: 'x',
      date_of_birth: '2020-02-30',
      __extra: 1,
    });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.error.code).toBe('validation');
      expect(bad.error.issues?.map((i) => i.field).sort()).toEqual(['__extra', 'date_of_birth', 'gender']);
    }
    expect(writes.insert('no_such_table', {})).toMatchObject({ ok: false, error: { code: 'unknown_table' } });
    expect(writes.insert('outbox', {})).toMatchObject({ ok: false, error: { code: 'unknown_table' } });
    expect(writes.insert('patients', { ...patient(), version: 7 })).toMatchObject({
      ok: false,
      error: { code: 'validation' },
    });
    setActor(null);
    expect(writes.insert('patients', patient())).toMatchObject({
      ok: false,
      error: { code: 'not_logged_in' },
    });
    expect(rows(t, 'patients')).toBe(0);
    expect(outbox()).toHaveLength(0);
  });

  it('refuses writes the role may not make, changing nothing', () => {
    const { writes, setActor } = makeWrites(t, doctor);
    const p = writes.insert('patients', patient());
    if (!p.ok) throw new Error('setup');
    setActor(receptionist);
    const vit = writes.insert('vitals', {
      patient_id: p.value.id,
      recorded_by: receptionist.id,
      heart_rate: 80,
      recorded_at: '2025-01-01T10:00:00Z',
    });
    expect(vit).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    // A receptionist may not set a patient's blood group (clinical field).
    const upd = writes.update('patients', p.value.id as string, { blood_group: 'O+' });
    expect(upd.ok).toBe(false);
    // Authorship cannot be forged: a doctor writing a note as someone else.
    setActor(doctor);
    const note = writes.insert('clinical_notes', {
      patient_id: p.value.id,
      author_id: receptionist.id,
      note_type: 'progress',
      body: 'stable',
    });
    expect(note).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(rows(t, 'vitals')).toBe(0);
    expect(rows(t, 'clinical_notes')).toBe(0);
    expect(outbox()).toHaveLength(1);
  });

  it("refuses a field this kind of PC does not hold, whoever signs in, in the server's words", () => {
    const admin = { id: newId(), role: 'admin' };
    // An admin signed in at a front-desk PC: the role may set a blood group, the PC never holds it.
    let tables = new Set(['patients']);
    const { writes } = makeWrites(t, admin, () => ({ kind: 'reception', tables }));
    const refused = writes.insert('patients', patient({ blood_group: 'O+' }));
    expect(refused).toMatchObject({
      ok: false,
      error: {
        code: 'forbidden',
        message:
          "outside this workstation's scope: a reception workstation does not hold patients.blood_group",
      },
    });
    expect(rows(t, 'patients')).toBe(0);
    expect(outbox()).toHaveLength(0);

    const p = writes.insert('patients', patient({ phone: '+220 7000001' }));
    if (!p.ok) throw new Error(p.error.message);
    expect(writes.update('patients', p.value.id as string, { blood_group: 'A+' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden', message: /does not hold patients\.blood_group/ },
    });
    expect(writes.update('patients', p.value.id as string, { phone: '+220 7000002' }).ok).toBe(true);
    expect(outbox()).toHaveLength(2);

    // A table the PC writes without holding it is the server's to judge.
    tables = new Set();
    expect(writes.update('patients', p.value.id as string, { blood_group: 'A+' }).ok).toBe(true);
  });

  it('update records base values and base_version, bumps updated_*, not version', () => {
    const { writes } = makeWrites(t, doctor);
    const p = writes.insert('patients', patient({ phone: '7000001' }));
    if (!p.ok) throw new Error('setup');
    const id = p.value.id as string;
    // Pretend the server has accepted it at version 3.
    t.local.sqlite.prepare('UPDATE patients SET version = 3 WHERE id = ?').run(id);
    const u = writes.update('patients', id, { phone: '7000002', address: 'Serekunda', first_name: 'Awa' });
    expect(u.ok).toBe(true);
    if (!u.ok) return;
    expect(u.value.phone).toBe('7000002');
    expect(u.value.version).toBe(3);
    const e = outbox()[1];
    expect(e?.operation).toBe('update');
    expect(e?.base_version).toBe(3);
    // Unchanged fields (first_name) are not sent.
    expect(JSON.parse(e?.payload ?? '{}')).toEqual({
      phone: { base: '7000001', value: '7000002' },
      address: { base: null, value: 'Serekunda' },
    });
    // A no-op update appends nothing.
    expect(writes.update('patients', id, { phone: '7000002' }).ok).toBe(true);
    expect(outbox()).toHaveLength(2);
    expect(writes.update('patients', newId(), { phone: '1' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(writes.update('patients', id, { mrn: 'P-NEW' })).toMatchObject({
      ok: false,
      error: { code: 'validation' },
    });
  });

  it('append-only tables refuse updates locally', () => {
    const { writes } = makeWrites(t, doctor);
    const p = writes.insert('patients', patient());
    if (!p.ok) throw new Error('setup');
    const v = writes.insert('vitals', {
      patient_id: p.value.id,
      recorded_by: doctor.id,
      heart_rate: 80,
      recorded_at: '2025-01-01T10:00:00Z',
    });
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    const u = writes.update('vitals', v.value.id as string, { heart_rate: 90 });
    expect(u).toMatchObject({ ok: false, error: { code: 'append_only' } });
    expect(outbox()).toHaveLength(2);
  });

  it('softDelete sets deleted_at and appends a delete; later updates are refused', () => {
    const { writes } = makeWrites(t, { id: newId(), role: 'admin' });
    const p = writes.insert('patients', patient());
    if (!p.ok) throw new Error('setup');
    const id = p.value.id as string;
    const d = writes.softDelete('patients', id);
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(typeof d.value.deleted_at).toBe('string');
    const e = outbox()[1];
    expect(e?.operation).toBe('delete');
    expect(e?.base_version).toBe(1);
    expect(JSON.parse(e?.payload ?? '{}')).toEqual({ deleted_at: d.value.deleted_at });
    expect(writes.update('patients', id, { phone: '1' })).toMatchObject({
      ok: false,
      error: { code: 'deleted' },
    });
    expect(rows(t, 'patients')).toBe(1);
  });

  it('a doctor may not delete a patient', () => {
    const { writes } = makeWrites(t, doctor);
    const p = writes.insert('patients', patient());
    if (!p.ok) throw new Error('setup');
    expect(writes.softDelete('patients', p.value.id as string)).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(outbox()).toHaveLength(1);
  });
});

describe('units of work', () => {
  let t: TestDb;
  beforeEach(() => {
    t = openTestDb();
  });
  afterEach(() => t.cleanup());

  const outbox = () => t.local.sqlite.prepare('SELECT * FROM outbox ORDER BY seq').all() as OutboxEntry[];
  const pharmacist = { id: newId(), role: 'pharmacist' };
  const nurse = { id: newId(), role: 'nurse' };

  /** A batch holding `qty` units (a receipt movement, as a goods-received note leaves it). */
  function stockedBatch(qty: number, expiry = '2099-01-01') {
    const admin = { id: newId(), role: 'admin' };
    const { writes } = makeWrites(t, admin);
    const cat = writes.insert('medication_categories', { name: `Cat ${newId()}` });
    const item = writes.insert('medication_items', {
      name: `Amoxicillin ${newId()}`,
      category_id: cat.ok ? cat.value.id : '',
      strength: '500 mg',
      form: 'capsule',
      unit_price: 500,
    });
    const itemId = item.ok ? String(item.value.id) : '';
    const batch = writes.insert('stock_batches', {
      medication_item_id: itemId,
      batch_number: `B-${newId().slice(0, 8)}`,
      expiry_date: expiry,
    });
    const batchId = batch.ok ? String(batch.value.id) : '';
    const moved = writes.insert('stock_movements', {
      stock_batch_id: batchId,
      medication_item_id: itemId,
      movement_type: 'receipt',
      quantity: qty,
      moved_by: admin.id,
    });
    expect(moved.ok ? 'ok' : moved.error).toBe('ok');
    t.local.sqlite.prepare('DELETE FROM outbox').run();
    return { itemId, batchId };
  }

  it("an operation's rows commit together and their outbox entries share one transaction id", () => {
    const { itemId, batchId } = stockedBatch(100);
    const { writes } = makeWrites(t, pharmacist);
    const r = writes.unit((w) => {
      const log = w.insert('dispensing_logs', {
        medication_item_id: itemId,
        stock_batch_id: batchId,
        quantity: 10,
        dispensed_by: pharmacist.id,
        dispensed_at: w.now,
      });
      w.insert('stock_movements', {
        stock_batch_id: batchId,
        medication_item_id: itemId,
        movement_type: 'dispense',
        quantity: -10,
        moved_by: pharmacist.id,
        source_table: 'dispensing_logs',
        source_id: log.id,
      });
      return w.txId;
    });
    expect(r.ok).toBe(true);
    const entries = outbox();
    expect(entries.map((e) => e.table_name)).toEqual(['dispensing_logs', 'stock_movements']);
    expect(new Set(entries.map((e) => e.tx_id))).toEqual(new Set([r.ok ? r.value : '']));
  });

  it('a refused third write rolls back the two before it: no row, no outbox entry', () => {
    const { itemId, batchId } = stockedBatch(100);
    const { writes } = makeWrites(t, pharmacist);
    const before = rows(t, 'dispensing_logs');
    const r = writes.unit((w) => {
      w.insert('dispensing_logs', {
        medication_item_id: itemId,
        stock_batch_id: batchId,
        quantity: 10,
        dispensed_by: pharmacist.id,
        dispensed_at: w.now,
      });
      w.insert('stock_movements', {
        stock_batch_id: batchId,
        medication_item_id: itemId,
        movement_type: 'dispense',
        quantity: -10,
        moved_by: pharmacist.id,
      });
      // A pharmacist may change only a prescription's status: this one is refused.
      w.update('patients', newId(), { first_name: 'X' });
    });
    expect(r.ok).toBe(false);
    expect(rows(t, 'dispensing_logs')).toBe(before);
    expect(outbox()).toHaveLength(0);
  });

  it('refuses a dispense that takes a batch below zero, where local stock proves it', () => {
    const { itemId, batchId } = stockedBatch(5);
    const { writes } = makeWrites(t, pharmacist);
    const r = writes.insert('stock_movements', {
      stock_batch_id: batchId,
      medication_item_id: itemId,
      movement_type: 'dispense',
      quantity: -6,
      moved_by: pharmacist.id,
    });
    expect(r.ok ? 'ok' : r.error.code).toBe('rule');
    expect(r.ok ? '' : r.error.message).toMatch(/not enough stock/);
    expect(outbox()).toHaveLength(0);
    // Within stock it goes through.
    expect(
      writes.insert('stock_movements', {
        stock_batch_id: batchId,
        medication_item_id: itemId,
        movement_type: 'dispense',
        quantity: -5,
        moved_by: pharmacist.id,
      }).ok,
    ).toBe(true);
  });

  it('refuses an admission into an occupied bed, but not one that leaves a broken rule no worse', () => {
    const { writes: admin } = makeWrites(t, { id: newId(), role: 'admin' });
    const ward = admin.insert('wards', { name: 'Ward A', code: 'WA', ward_type: 'general', capacity: 10 });
    const wardId = ward.ok ? String(ward.value.id) : '';
    const bed = admin.insert('beds', { ward_id: wardId, bed_number: '1' });
    const bedId = bed.ok ? String(bed.value.id) : '';
    const p1 = admin.insert('patients', patient());
    const p2 = admin.insert('patients', patient());
    const { writes } = makeWrites(t, nurse);
    const admit = (p: typeof p1) =>
      writes.insert('admissions', {
        patient_id: p.ok ? p.value.id : '',
        ward_id: wardId,
        bed_id: bedId,
        admitted_at: '2026-11-02T10:00:00.000Z',
      });
    const first = admit(p1);
    expect(first.ok).toBe(true);
    const second = admit(p2);
    expect(second.ok ? 'ok' : second.error.message).toMatch(/bed is already occupied/);
    // Two admissions arrive from the server (two PCs were cut off): discharging one is allowed.
    t.local.sqlite
      .prepare(
        `INSERT INTO admissions (id, created_at, updated_at, patient_id, ward_id, bed_id, admitted_at, status)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'admitted')`,
      )
      .run(
        newId(),
        '2026-11-02T10:00:00.000Z',
        '2026-11-02T10:00:00.000Z',
        p2.ok ? p2.value.id : '',
        wardId,
        bedId,
        '2026-11-02T10:00:00.000Z',
      );
    const discharge = writes.update('admissions', first.ok ? String(first.value.id) : '', {
      status: 'discharged',
    });
    expect(discharge.ok).toBe(true);
    expect(discharge.ok ? discharge.value.discharged_at : null).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it('stamps the time a status implies and refuses a typed stamp or an illegal move', () => {
    const { writes: admin } = makeWrites(t, { id: newId(), role: 'admin' });
    const p = admin.insert('patients', patient());
    const { writes } = makeWrites(t, receptionist);
    const appt = writes.insert('appointments', {
      patient_id: p.ok ? p.value.id : '',
      doctor_id: doctor.id,
      date: '2099-01-05',
      time: '09:00',
    });
    expect(appt.ok).toBe(true);
    const id = appt.ok ? String(appt.value.id) : '';
    const typed = writes.update('appointments', id, { checked_in_at: '2099-01-05T09:00:00Z' });
    expect(typed.ok ? [] : typed.error.issues?.map((i) => i.rule)).toEqual(['stamped']);
    const checkedIn = writes.update('appointments', id, { status: 'checked_in' });
    expect(checkedIn.ok ? checkedIn.value.checked_in_at : null).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(writes.update('appointments', id, { status: 'cancelled' }).ok).toBe(true);
    const back = writes.update('appointments', id, { status: 'scheduled' });
    expect(back.ok ? '' : back.error.message).toMatch(
      /a cancelled appointment cannot change status any more/,
    );
  });

  it('refuses a date of birth in the future and an appointment booked into the past', () => {
    const { writes } = makeWrites(t, receptionist);
    const born = writes.insert('patients', patient({ date_of_birth: '2099-01-01' }));
    expect(born.ok ? [] : born.error.issues?.map((i) => `${i.field}:${i.rule}`)).toEqual([
      'date_of_birth:not_future',
    ]);
    const p = writes.insert('patients', patient());
    const past = writes.insert('appointments', {
      patient_id: p.ok ? p.value.id : '',
      doctor_id: doctor.id,
      date: '2001-01-01',
      time: '09:00',
    });
    expect(past.ok ? [] : past.error.issues?.map((i) => `${i.field}:${i.rule}`)).toEqual(['date:not_past']);
  });
});
