/**
 * Sync between several headless workstations and one real server, through TCP proxies the test cuts
 * and restores (issue 3, tests 1–4, 7 and 10). Every scenario ends the same way: heal, drain, then
 * compare replicas with Postgres.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Row } from '../../db/primitives/index.ts';
import { unwrap } from '../support/result.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { eventually, localRows, type Station, stationPool } from '../support/stations.ts';

const patient = (mrn: string, extra: Row = {}) => ({
  mrn,
  first_name: 'Isatou',
  last_name: 'Njie',
  date_of_birth: '1979-07-14',
  gender: 'female',
  ...extra,
});

describe('sync between workstations', () => {
  let server: TestServer;
  const pool = stationPool(() => server);
  const stations = pool.stations;
  let wardA: string;
  let wardB: string;

  const station = pool.station;
  const serverRow = async (table: string, id: string) =>
    (await server.database.query<Row>(`SELECT * FROM ${table} WHERE id = $1`, [id]))[0];

  beforeAll(async () => {
    server = await startTestServer();
    await server.createUser('rec1', 'receptionist');
    await server.createUser('rec2', 'receptionist');
    await server.createUser('doc1', 'doctor');
    await server.createUser('nurse1', 'nurse');
    await server.createUser('nurse2', 'nurse');
    const wards = await server.database.query<{ id: string; code: string }>(
      `INSERT INTO wards (name, code, ward_type, capacity) VALUES ('Medical A', 'MA', 'general', 20), ('Surgical B', 'SB', 'surgical', 20)
       RETURNING id, code`,
    );
    wardA = wards.find((w) => w.code === 'MA')?.id as string;
    wardB = wards.find((w) => w.code === 'SB')?.id as string;
  });

  afterAll(async () => {
    await pool.closeAll();
    await server?.close();
  });

  it('shows a write made on one workstation on another (1)', async () => {
    const a = await station({ name: 'Front desk 1', kind: 'reception', user: 'rec1' });
    const b = await station({ name: 'Front desk 2', kind: 'reception', user: 'rec2' });
    const p = unwrap(a.ws.writes.insert('patients', patient('P-FD1-1')));
    await eventually(() => b.ws.get('patients', p.id as string)?.mrn === 'P-FD1-1', 'patient on desk 2');
    expect((await serverRow('patients', p.id as string))?.created_by).toBe(a.ws.session.currentUser()?.id);
    // The other PC can see the row before the writer has read the server's answer.
    await eventually(() => a.ws.status().outboxPending === 0, 'the write acknowledged on desk 1');
  });

  it('keeps working while cut off, and after reconnecting everything arrives exactly once (2)', async () => {
    const [a, b] = stations as [Station, Station];
    a.proxy.cut();
    const written: string[] = [];
    for (let i = 0; i < 25; i++)
      written.push(unwrap(a.ws.writes.insert('patients', patient(`P-OFF-${i}`))).id as string);
    // The offline PC sees its own writes at once; the other PC and the server do not.
    expect(localRows(a, `SELECT id FROM patients WHERE mrn LIKE 'P-OFF-%'`)).toHaveLength(25);
    await eventually(() => a.ws.status().online === false, 'desk 1 to notice it is offline');
    expect(a.ws.status().outboxPending).toBe(25);
    const fromB = unwrap(b.ws.writes.insert('patients', patient('P-ON-1')));
    await new Promise((r) => setTimeout(r, 500));
    expect(await server.database.query(`SELECT 1 FROM patients WHERE mrn LIKE 'P-OFF-%'`)).toHaveLength(0);

    a.proxy.pass();
    await a.ws.drain(30_000);
    await b.ws.drain(30_000);
    const onServer = await server.database.query<{ mrn: string; n: number }>(
      `SELECT mrn, count(*)::int AS n FROM patients WHERE mrn LIKE 'P-OFF-%' GROUP BY mrn`,
    );
    expect(onServer).toHaveLength(25);
    expect(onServer.every((r) => r.n === 1)).toBe(true);
    for (const s of [a, b]) {
      expect(localRows(s, `SELECT id FROM patients WHERE mrn LIKE 'P-OFF-%'`)).toHaveLength(25);
      expect(s.ws.get('patients', fromB.id as string)?.mrn).toBe('P-ON-1');
    }
    const mutations = await server.database.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM applied_mutations WHERE row_id = ANY($1)`,
      [written],
    );
    expect(mutations[0]?.n).toBe(25);
  });

  it('records one conflict for the same field edited on two cut-off PCs, and every replica converges; different fields merge (3)', async () => {
    const [a, b] = stations as [Station, Station];
    const p = unwrap(a.ws.writes.insert('patients', patient('P-CONF-1')));
    await eventually(() => b.ws.get('patients', p.id as string) !== null, 'patient on both');
    const id = p.id as string;

    a.proxy.cut();
    b.proxy.cut();
    unwrap(a.ws.writes.update('patients', id, { phone: '+220 7100000', address: 'Bakau' }));
    unwrap(b.ws.writes.update('patients', id, { phone: '+220 7200000', next_of_kin_name: 'Lamin Njie' }));
    a.proxy.pass();
    await a.ws.drain();
    b.proxy.pass();
    await b.ws.drain();
    await a.ws.drain();

    const final = await serverRow('patients', id);
    expect(final?.address).toBe('Bakau');
    expect(final?.next_of_kin_name).toBe('Lamin Njie');
    const conflicts = await server.database.query<Row>(
      `SELECT field, local_value, server_value, provisional_value, local_author_id, server_author_id FROM sync_conflicts WHERE row_id = $1`,
      [id],
    );
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]?.field).toBe('phone');
    expect([conflicts[0]?.local_value, conflicts[0]?.server_value].sort()).toEqual([
      '+220 7100000',
      '+220 7200000',
    ]);
    expect(final?.phone).toBe(conflicts[0]?.provisional_value);
    for (const s of [a, b]) {
      await eventually(() => s.ws.get('patients', id)?.phone === final?.phone, 'replica converges');
      expect(s.ws.get('patients', id)).toMatchObject({
        address: 'Bakau',
        next_of_kin_name: 'Lamin Njie',
        version: final?.version,
      });
    }
  });

  it('never silently resurrects or loses a row deleted on one PC and updated on another (4)', async () => {
    const admin1 = await station({ name: 'Admin 1', kind: 'admin', user: 'admin' });
    const admin2 = await station({ name: 'Admin 2', kind: 'admin', user: 'admin' });
    const p = unwrap(admin1.ws.writes.insert('patients', patient('P-DEL-1')));
    const id = p.id as string;
    await eventually(() => admin2.ws.get('patients', id) !== null, 'patient on admin 2');
    admin1.proxy.cut();
    admin2.proxy.cut();
    unwrap(admin1.ws.writes.softDelete('patients', id));
    unwrap(admin2.ws.writes.update('patients', id, { address: 'Farafenni' }));
    admin1.proxy.pass();
    admin2.proxy.pass();
    await admin1.ws.drain();
    await admin2.ws.drain();
    await admin1.ws.drain();

    const final = await serverRow('patients', id);
    expect(final?.deleted_at).toBeNull();
    expect(final?.address).toBe('Farafenni');
    const conflicts = await server.database.query<{ kind: string; status: string }>(
      `SELECT kind, status FROM sync_conflicts WHERE row_id = $1`,
      [id],
    );
    expect(conflicts).toEqual([{ kind: 'delete_update', status: 'open' }]);
    for (const s of [admin1, admin2]) {
      await eventually(
        () =>
          s.ws.get('patients', id)?.address === 'Farafenni' && s.ws.get('patients', id)?.deleted_at === null,
        'replicas agree',
      );
      // The conflict is visible to the admins who can resolve it.
      await eventually(() => s.ws.status().openConflicts >= 1, 'conflict visible on admin PCs');
    }
  });

  it('quarantines a receptionist PC pushing a prescription change, audits it, and shows it (7)', async () => {
    const [admin1] = stations.slice(2) as [Station];
    const desk = await station({ name: 'Reception desk 3', kind: 'reception', user: 'rec1' });
    const receptionist = desk.ws.session.currentUser()?.id as string;
    const doctor = (
      await server.database.query<{ id: string }>(`SELECT id FROM users WHERE username = 'doc1'`)
    )[0]?.id;
    const [rx] = await server.database.query<{ id: string }>(
      `WITH p AS (INSERT INTO patients (mrn, first_name, last_name, date_of_birth, gender)
                  VALUES ('P-RX-1', 'Binta', 'Bah', '1990-02-02', 'female') RETURNING id)
       INSERT INTO prescriptions (patient_id, prescriber_id, medication_name, dosage, frequency)
       SELECT p.id, $1, 'Amoxicillin', '500 mg', 'tds' FROM p RETURNING id`,
      [doctor],
    );
    // The workstation core refuses this locally; a tampered or outdated client would still send it.
    // Put it straight into the outbox, as such a client would, and let the uploader deliver it.
    const sqlite = desk.sqlite;
    const seq = (sqlite.prepare('SELECT coalesce(max(seq), 0) + 1 AS n FROM outbox').get() as { n: number })
      .n;
    const mutationId = '01900000-0000-7000-8000-000000000007';
    sqlite
      .prepare(
        `INSERT INTO outbox (id, created_at, seq, tx_id, table_name, row_id, operation, payload, base_version, author_id, hlc, device_time, status)
         VALUES (?, ?, ?, ?, 'prescriptions', ?, 'update', ?, 1, ?, ?, ?, 'pending')`,
      )
      .run(
        mutationId,
        new Date().toISOString(),
        seq,
        mutationId,
        rx?.id,
        JSON.stringify({ dosage: { base: '500 mg', value: '2 g' } }),
        receptionist,
        desk.ws.hlc.now(),
        new Date().toISOString(),
      );
    await desk.ws.drain();

    const q = await server.database.query<{ reason: string; status: string }>(
      `SELECT reason, status FROM quarantined_mutations WHERE mutation_id = $1`,
      [mutationId],
    );
    expect(q).toHaveLength(1);
    expect(q[0]?.status).toBe('open');
    // Refused before the role is even asked: a front desk PC does not write prescriptions at all.
    expect(q[0]?.reason).toMatch(/a reception workstation does not write prescriptions/);
    expect((await serverRow('prescriptions', rx?.id as string))?.dosage).toBe('500 mg');
    const audit = await server.database.query(
      `SELECT 1 FROM audit_log WHERE object_id = $1 AND description = 'mutation quarantined'`,
      [rx?.id],
    );
    expect(audit).toHaveLength(1);
    // Visible to someone who can act on it: on the PC that sent it, and in the admins' queue.
    await eventually(() => desk.ws.status().quarantined === 1, 'quarantine visible on the desk');
    await eventually(
      () =>
        localRows(admin1, `SELECT 1 FROM quarantined_mutations WHERE mutation_id = ?`, mutationId).length ===
        1,
      'quarantine in the admin queue',
    );
  });

  it('re-checks the author at apply time: a write made offline by a since-demoted doctor is quarantined', async () => {
    // An admin-kind PC writes any table: only the author's (changed) role stands in the way.
    const desk = await station({ name: 'Clinic desk', kind: 'admin', user: 'doc1' });
    const doctorId = desk.ws.session.currentUser()?.id as string;
    const p = unwrap(desk.ws.writes.insert('patients', patient('P-DEMOTE-1')));
    await desk.ws.drain();
    desk.proxy.cut();
    unwrap(desk.ws.writes.update('patients', p.id as string, { known_allergies: 'Penicillin' }));
    await server.admin('PATCH', `/api/users/${doctorId}`, { role: 'receptionist' });
    desk.proxy.pass();
    await desk.ws.drain();
    const q = await server.database.query<{ reason: string }>(
      `SELECT reason FROM quarantined_mutations WHERE author_id = $1 AND table_name = 'patients'`,
      [doctorId],
    );
    expect(q).toHaveLength(1);
    expect(q[0]?.reason).toMatch(/receptionist may not update patients/);
    expect((await serverRow('patients', p.id as string))?.known_allergies).toBeNull();
  });

  it("re-scopes a ward PC moved to another ward by an admin: the old ward's charts leave, the new ward's arrive", async () => {
    const pc = await station({ name: 'Roaming ward PC', kind: 'ward', ward_id: wardA, user: 'nurse1' });
    const [a, b] = await server.database.query<{ id: string }>(
      `INSERT INTO patients (mrn, first_name, last_name, date_of_birth, gender, ward_id)
       VALUES ('P-RESCOPE-A', 'Fatou', 'Touray', '1970-05-05', 'female', $1),
              ('P-RESCOPE-B', 'Lamin', 'Darboe', '1965-06-06', 'male', $2) RETURNING id`,
      [wardA, wardB],
    );
    await eventually(
      () => localRows(pc, `SELECT id FROM patients WHERE id = ?`, a?.id).length === 1,
      'ward A patient',
    );
    expect(localRows(pc, `SELECT id FROM patients WHERE id = ?`, b?.id)).toHaveLength(0);
    await server.admin('PATCH', `/api/workstations/${pc.id}`, { ward_id: wardB });
    await eventually(
      () =>
        localRows(pc, `SELECT id FROM patients WHERE id = ?`, b?.id).length === 1 &&
        localRows(pc, `SELECT id FROM patients WHERE id = ?`, a?.id).length === 0,
      'the PC holds ward B, not ward A',
    );
    // Turned into a pharmacy PC: tables outside the pharmacy's scope (admissions, vitals…) are emptied.
    await server.database.query(
      `INSERT INTO admissions (patient_id, ward_id, admitted_at) VALUES ($1, $2, now())`,
      [b?.id, wardB],
    );
    await eventually(
      () => localRows(pc, `SELECT id FROM admissions WHERE patient_id = ?`, b?.id).length === 1,
      'admission',
    );
    await server.admin('PATCH', `/api/workstations/${pc.id}`, { kind: 'pharmacy', ward_id: null });
    await eventually(
      () =>
        localRows(pc, `SELECT id FROM admissions`).length === 0 &&
        !pc.ws.status().tables.includes('admissions'),
      'admissions leave the PC with its ward scope',
    );
  });

  it('moves a transferred patient and their chart from one ward PC to the other (10)', async () => {
    const wa = await station({ name: 'Ward MA PC', kind: 'ward', ward_id: wardA, user: 'nurse1' });
    const wb = await station({ name: 'Ward SB PC', kind: 'ward', ward_id: wardB, user: 'nurse2' });
    const nurse = wa.ws.session.currentUser()?.id as string;
    const [p] = await server.database.query<{ id: string }>(
      `INSERT INTO patients (mrn, first_name, last_name, date_of_birth, gender, ward_id)
       VALUES ('P-WARD-1', 'Ousman', 'Sowe', '1960-01-01', 'male', $1) RETURNING id`,
      [wardA],
    );
    const pid = p?.id as string;
    await eventually(() => wa.ws.get('patients', pid) !== null, 'patient on ward A');
    const v = unwrap(
      wa.ws.writes.insert('vitals', {
        patient_id: pid,
        recorded_at: new Date().toISOString(),
        recorded_by: nurse,
        heart_rate: 88,
      }),
    );
    await wa.ws.drain();
    expect(localRows(wb, `SELECT id FROM patients WHERE id = ?`, pid)).toHaveLength(0);

    await server.database.query(`UPDATE patients SET ward_id = $1 WHERE id = $2`, [wardB, pid]);
    await eventually(
      () => localRows(wb, `SELECT id FROM vitals WHERE id = ?`, v.id).length === 1,
      'chart arrives on ward B',
    );
    expect(localRows(wb, `SELECT ward_id FROM patients WHERE id = ?`, pid)).toEqual([{ ward_id: wardB }]);
    await eventually(
      () =>
        localRows(wa, `SELECT id FROM patients WHERE id = ?`, pid).length === 0 &&
        localRows(wa, `SELECT id FROM vitals WHERE patient_id = ?`, pid).length === 0,
      'patient and chart leave ward A',
    );
  });
});
