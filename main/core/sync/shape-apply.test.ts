import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { syncedTableInfo } from '../store/tables.ts';
import { count, makeWrites, newId, openTestDb, patient, type TestDb } from '../test-support.ts';
import { ShapeApplier, type ShapeMessage } from './shape-apply.ts';

const info = syncedTableInfo('patients');
if (!info) throw new Error('patients table missing');

/** A server row as the shape client delivers it with `sqliteParser` (bools 0/1). */
function serverRow(extra: Record<string, unknown> = {}) {
  const now = '2025-01-01T08:00:00.000Z';
  return {
    id: newId(),
    created_at: now,
    updated_at: now,
    created_by: null,
    updated_by: null,
    deleted_at: null,
    version: 1,
    middle_name: null,
    phone: null,
    email: null,
    address: null,
    national_id: null,
    blood_group: null,
    known_allergies: null,
    next_of_kin_name: null,
    next_of_kin_phone: null,
    ward_id: null,
    merged_into_id: null,
    consent_sms: 1,
    consent_email: 0,
    ...patient(),
    ...extra,
  };
}
const ins = (value: Record<string, unknown>): ShapeMessage => ({
  key: `"public"."patients"/"${String(value.id)}"`,
  value,
  headers: { operation: 'insert' },
});
const upd = (value: Record<string, unknown>): ShapeMessage => ({
  key: `"public"."patients"/"${String(value.id)}"`,
  value,
  headers: { operation: 'update' },
});
const del = (id: string): ShapeMessage => ({
  key: `"public"."patients"/"${id}"`,
  value: { id },
  headers: { operation: 'delete' },
});
const upToDate: ShapeMessage = { headers: { control: 'up-to-date' } };
const mustRefetch: ShapeMessage = { headers: { control: 'must-refetch' } };

describe('shape applier', () => {
  let t: TestDb;
  let applier: ShapeApplier;
  beforeEach(() => {
    t = openTestDb();
    applier = new ShapeApplier(t.local.sqlite, info, t.outbox);
  });
  afterEach(() => t.cleanup());

  const get = (id: string) =>
    t.local.sqlite.prepare('SELECT * FROM patients WHERE id = ?').get(id) as
      | Record<string, unknown>
      | undefined;
  const position = () =>
    t.local.sqlite
      .prepare(
        `SELECT handle, "offset", refetching, up_to_date_at FROM shape_positions WHERE table_name = 'patients'`,
      )
      .get() as
      | { handle: string; offset: string; refetching: number; up_to_date_at: string | null }
      | undefined;

  it('applies insert/update/delete with the position in one transaction', () => {
    const a = serverRow();
    const b = serverRow();
    const r = applier.apply([ins(a), ins(b), upToDate], 'h1', '10_0');
    expect(r).toMatchObject({ changed: true, upToDate: true });
    expect(get(a.id)?.first_name).toBe('Awa');
    expect(get(a.id)?.consent_email).toBe(0);
    expect(position()).toMatchObject({ handle: 'h1', offset: '10_0', refetching: 0 });
    expect(position()?.up_to_date_at).toBeTruthy();

    applier.apply([upd({ id: a.id, phone: '700', version: 2 }), del(b.id)], 'h1', '11_0');
    expect(get(a.id)).toMatchObject({ phone: '700', version: 2, first_name: 'Awa' });
    expect(get(b.id)).toBeUndefined();
    expect(position()?.offset).toBe('11_0');
    // Resuming reads the stored position.
    expect(new ShapeApplier(t.local.sqlite, info, t.outbox).loadPosition()).toMatchObject({
      handle: 'h1',
      offset: '11_0',
    });
  });

  it('a batch that fails part-way changes nothing, position included', () => {
    const a = serverRow();
    applier.apply([ins(a)], 'h1', '1_0');
    const c = serverRow();
    // The second message breaks a CHECK constraint (gender enum): the whole batch rolls back.
    expect(() => applier.apply([ins(c), upd({ id: a.id, gender: 'nonsense' })], 'h1', '2_0')).toThrow();
    expect(get(c.id)).toBeUndefined();
    expect(get(a.id)?.gender).toBe('female');
    expect(position()?.offset).toBe('1_0');
  });

  it('leaves the connection as durable as before for local writes, whether a batch lands or fails', () => {
    const synchronous = () => t.local.sqlite.pragma('synchronous', { simple: true });
    expect(synchronous()).toBe(2); // FULL: a local write's commit waits for the disk
    const a = serverRow();
    applier.apply([ins(a), upToDate], 'h1', '1_0');
    expect(synchronous()).toBe(2);
    expect(() => applier.apply([upd({ id: a.id, gender: 'nonsense' })], 'h1', '2_0')).toThrow();
    expect(synchronous()).toBe(2);
  });

  it('an update for an absent row is upserted when complete, skipped when not', () => {
    const a = serverRow();
    applier.apply([upd(a)], 'h', '1_0');
    expect(get(a.id)).toBeDefined();
    const r = applier.apply([upd({ id: newId(), phone: '1' })], 'h', '2_0');
    expect(r.skipped).toBe(1);
    expect(position()?.offset).toBe('2_0');
  });

  it('ignores columns unknown to this build', () => {
    const a = { ...serverRow(), brand_new_column: 'x' };
    applier.apply([ins(a)], 'h', '1_0');
    expect(get(a.id)?.first_name).toBe('Awa');
  });

  it('re-applies pending local writes on top of incoming server rows until acknowledged', () => {
    const user = { id: newId(), role: 'doctor' };
    const { writes } = makeWrites(t, user);
    const a = serverRow({ phone: '111' });
    applier.apply([ins(a), upToDate], 'h', '1_0');
    expect(writes.update('patients', a.id, { phone: '222', address: 'Banjul' }).ok).toBe(true);
    // Meanwhile another workstation changed phone and national_id on the server.
    applier.apply([upd({ id: a.id, phone: '333', national_id: 'N1', version: 2 })], 'h', '2_0');
    expect(get(a.id)).toMatchObject({ phone: '222', address: 'Banjul', national_id: 'N1', version: 2 });
    // A full re-delivery (insert) also keeps the pending values.
    applier.apply([ins({ ...a, phone: '444', version: 3 })], 'h', '3_0');
    expect(get(a.id)).toMatchObject({ phone: '222', address: 'Banjul', version: 3 });
    // A pending local insert survives the server deleting... nothing it knows about; a pending soft delete keeps deleted_at.
    const adminWrites = makeWrites(t, { id: newId(), role: 'admin' }).writes;
    expect(adminWrites.softDelete('patients', a.id).ok).toBe(true);
    applier.apply([upd({ id: a.id, deleted_at: null, phone: '555', version: 4 })], 'h', '4_0');
    expect(get(a.id)?.deleted_at).toBeTruthy();
    // Once acknowledged, the server's values win again.
    t.local.sqlite.prepare(`UPDATE outbox SET status = 'acked', outcome = 'applied'`).run();
    applier.apply([upd({ id: a.id, phone: '666', deleted_at: null, version: 5 })], 'h', '5_0');
    expect(get(a.id)).toMatchObject({ phone: '666', deleted_at: null });
  });

  it('a pending local insert is re-created if the server row disappears', () => {
    const { writes } = makeWrites(t, { id: newId(), role: 'doctor' });
    const w = writes.insert('patients', patient());
    if (!w.ok) throw new Error('setup');
    const id = w.value.id as string;
    applier.apply([del(id)], 'h', '1_0');
    expect(get(id)?.first_name).toBe('Awa');
  });

  it('must-refetch keeps the table until the new snapshot is up to date, then sweeps', () => {
    const rows = Array.from({ length: 5 }, () => serverRow());
    applier.apply([...rows.map(ins), upToDate], 'h1', '5_0');
    const { writes } = makeWrites(t, { id: newId(), role: 'doctor' });
    const local = writes.insert('patients', patient());
    if (!local.ok) throw new Error('setup');
    // A pending edit on rows[4], which the new snapshot will not contain.
    expect(writes.update('patients', rows[4]?.id as string, { phone: '9' }).ok).toBe(true);

    applier.apply([mustRefetch], 'h2', '-1');
    expect(position()).toMatchObject({ handle: 'h2', offset: '-1', refetching: 1 });
    expect(count(t, 'SELECT COUNT(*) AS n FROM patients')).toBe(6);
    // The re-snapshot arrives in two batches; the "network dies" between them: nothing is lost.
    applier.apply([ins(rows[0] as never), ins(rows[1] as never)], 'h2', '7_0');
    expect(count(t, 'SELECT COUNT(*) AS n FROM patients')).toBe(6);
    // A restart mid-refetch resumes the marking.
    applier = new ShapeApplier(t.local.sqlite, info, t.outbox);
    expect(applier.loadPosition().refetching).toBe(true);
    applier.apply([ins(rows[2] as never), upToDate], 'h2', '8_0');
    const ids = (t.local.sqlite.prepare('SELECT id FROM patients').all() as { id: string }[])
      .map((r) => r.id)
      .sort();
    // rows[3] was not re-delivered and had no pending write: swept. rows[4] and the local insert stay.
    expect(ids).toEqual([rows[0]?.id, rows[1]?.id, rows[2]?.id, rows[4]?.id, local.value.id].sort());
    expect(position()?.refetching).toBe(0);
    expect(count(t, 'SELECT COUNT(*) AS n FROM refetch_marks')).toBe(0);
  });

  it('a row written here and acknowledged lately never vanishes during a re-snapshot, even briefly', () => {
    const { writes } = makeWrites(t, { id: newId(), role: 'doctor' });
    const mine = writes.insert('patients', patient());
    const gone = writes.insert('patients', patient());
    if (!mine.ok || !gone.ok) throw new Error('setup');
    // Both acknowledged by the server: no longer pending.
    for (const e of t.outbox.nextBatch(10))
      t.outbox.markAcked(e.id, 'applied', null, new Date().toISOString());
    applier.apply([upToDate], 'h1', '5_0');

    // A compaction forces a re-snapshot whose position predates `mine`'s commit: not in it.
    const other = serverRow();
    applier.apply([mustRefetch], 'h2', '-1');
    applier.apply([ins(other), upToDate], 'h2', '6_inf');
    expect(get(mine.value.id as string)).toBeDefined();
    expect(position()?.refetching).toBe(2);
    // The log after the snapshot brings it; `gone` (left the PC's scope before the snapshot) is not
    // re-delivered, and goes now.
    applier.apply([ins({ ...serverRow(), ...mine.value, id: mine.value.id }), upToDate], 'h2', '7_0');
    expect(get(mine.value.id as string)).toBeDefined();
    expect(get(gone.value.id as string)).toBeUndefined();
    expect(position()?.refetching).toBe(0);
    expect(count(t, 'SELECT COUNT(*) AS n FROM refetch_marks')).toBe(0);
  });

  it('applies a large initial sync in batches: every row once, each in the patient search index', () => {
    // How fast is the bench's business (npm run bench, figure a), not a test's.
    const N = 5_000;
    const rows = Array.from({ length: N }, () => serverRow());
    const msgs = rows.map(ins);
    for (let i = 0; i < N; i += 1000) applier.apply(msgs.slice(i, i + 1000), 'h', `${i}_0`);
    expect(count(t, 'SELECT COUNT(*) AS n FROM patients')).toBe(N);
    expect(count(t, 'SELECT COUNT(*) AS n FROM patient_search')).toBe(N);
    expect(applier.loadPosition()).toMatchObject({ handle: 'h', offset: `${N - 1000}_0` });
  });
});
