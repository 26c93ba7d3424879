import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HLC_PATTERN } from '../../db/sync-contract.ts';
import type { OutboxEntry } from './outbox.ts';
import { count, makeWrites, newId, openTestDb, patient, type TestDb } from './test-support.ts';

const doctor = { id: newId(), role: 'doctor' };
const receptionist = { id: newId(), role: 'receptionist' };

describe('local writes', () => {
  let t: TestDb;
  beforeEach(() => {
    t = openTestDb();
  });
  afterEach(() => t.cleanup());

  const outbox = () => t.local.sqlite.prepare('SELECT * FROM outbox ORDER BY seq').all() as OutboxEntry[];
  const rows = (table: string) => count(t, `SELECT COUNT(*) AS n FROM "${table}"`);

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
    expect(rows('patients')).toBe(1);
    expect(outbox()).toHaveLength(1);
    // Same id given twice.
    const id = newId();
    expect(writes.insert('patients', patient({ id })).ok).toBe(true);
    expect(writes.insert('patients', patient({ id })).ok).toBe(false);
    expect(rows('patients')).toBe(2);
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
    expect(rows('patients')).toBe(0);
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
    expect(rows('vitals')).toBe(0);
    expect(rows('clinical_notes')).toBe(0);
    expect(outbox()).toHaveLength(1);
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
    expect(rows('patients')).toBe(1);
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
