/**
 * The sync queues as operations, end to end:
 * - an admin resolves a conflict (keep one side, or a merged value): the chosen value goes to the row
 *   as a new version, reaches every PC, the conflict row says who resolved it, when and why, the
 *   audit log has both writes, and the clinician whose edit lost is told;
 * - a refused write is retried by an admin after correction (and lands), or discarded with a note by
 *   its author; both recorded on the quarantine row and audited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Row } from '../../db/primitives/index.ts';
import { unwrap } from '../support/result.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { eventually, localRows, type Station, stationPool } from '../support/stations.ts';

describe('the conflict and quarantine queues as operations', () => {
  let server: TestServer;
  const pool = stationPool(() => server);
  const stations = pool.stations;
  const station = pool.station;

  beforeAll(async () => {
    server = await startTestServer();
    await server.createUser('rec1', 'receptionist');
    await server.createUser('rec2', 'receptionist');
    await server.createUser('doc1', 'doctor');
  });
  afterAll(async () => {
    await pool.closeAll();
    await server?.close();
  });

  it('resolving a conflict writes the chosen value to every PC, records who, when and why, and tells the losing author', async () => {
    const desk1 = await station({ name: 'Desk 1', kind: 'reception', user: 'rec1' });
    const desk2 = await station({ name: 'Desk 2', kind: 'reception', user: 'rec2' });
    const admin = await station({ name: 'Admin', kind: 'admin', user: 'admin' });
    const registered = unwrap(
      await desk1.ws.api.patients.register({
        first_name: 'Lamin',
        last_name: 'Darboe',
        date_of_birth: '1975-06-06',
        gender: 'male',
        phone: '+220 7000001',
      }),
    );
    if (registered.status !== 'registered') throw new Error('not registered');
    const id = registered.patient.id;
    await desk1.ws.drain();
    await eventually(() => desk2.ws.get('patients', id) !== null, 'patient on desk 2');
    desk1.proxy.cut();
    desk2.proxy.cut();
    unwrap(await desk1.ws.api.patients.update({ id, changes: { phone: '+220 7111111' } }));
    unwrap(await desk2.ws.api.patients.update({ id, changes: { phone: '+220 7222222' } }));
    desk1.proxy.pass();
    await desk1.ws.drain();
    desk2.proxy.pass();
    await desk2.ws.drain();
    await admin.ws.drain();

    const open = unwrap(await admin.ws.api.sync.conflicts({ status: 'open' }));
    expect(open).toHaveLength(1);
    const c = open[0];
    if (!c) return;
    expect([c.table, c.field, c.localValue, c.serverValue]).toEqual([
      'patients',
      'phone',
      '+220 7222222',
      '+220 7111111',
    ]);
    const desk1Author = desk1.ws.session.currentUser()?.id;
    // Keep the server's (desk 1's) number: desk 2's edit loses.
    const resolved = unwrap(
      await admin.ws.api.sync.resolveConflict({
        id: c.id,
        choice: 'server',
        note: 'the patient confirmed 7111111',
      }),
    );
    expect(resolved).toMatchObject({
      status: 'resolved',
      resolutionValue: '+220 7111111',
      resolutionNote: 'the patient confirmed 7111111',
    });
    expect(resolved.resolvedBy).toBe(admin.ws.session.currentUser()?.id);
    expect(resolved.resolvedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    await admin.ws.drain();

    const [row] = await server.database.query<Row>(`SELECT phone, version FROM patients WHERE id = $1`, [id]);
    expect(row?.phone).toBe('+220 7111111');
    for (const s of [desk1, desk2, admin])
      await eventually(
        () => s.ws.get('patients', id)?.phone === '+220 7111111',
        'the chosen value on every PC',
      );
    const [conflict] = await server.database.query<Row>(
      `SELECT status, resolution_note, resolved_by::text AS resolved_by FROM sync_conflicts WHERE id = $1`,
      [c.id],
    );
    expect(conflict).toEqual({
      status: 'resolved',
      resolution_note: 'the patient confirmed 7111111',
      resolved_by: admin.ws.session.currentUser()?.id,
    });
    const audit = await server.database.query<{ object_type: string }>(
      `SELECT object_type FROM audit_log WHERE user_id = $1 AND action = 'update' ORDER BY seq`,
      [admin.ws.session.currentUser()?.id],
    );
    expect(audit.map((a) => a.object_type)).toEqual(expect.arrayContaining(['sync_conflicts']));
    // Desk 2's receptionist (whose edit lost) is told; desk 1's (whose value stayed) is not.
    const loser = desk2.ws.session.currentUser()?.id as string;
    await eventually(
      () =>
        localRows(desk2, `SELECT 1 FROM notifications WHERE user_id = ? AND related_id = ?`, loser, c.id)
          .length === 1,
      'the losing author is notified on their PC',
    );
    expect(
      await server.database.query(`SELECT 1 FROM notifications WHERE user_id = $1 AND related_id = $2`, [
        desk1Author,
        c.id,
      ]),
    ).toEqual([]);
    // The author sees the outcome in their own queue too.
    const mine = unwrap(await desk2.ws.api.sync.conflicts({ status: 'resolved' }));
    expect(mine.map((x) => x.id)).toContain(c.id);
    // Resolved once only.
    const again = await admin.ws.api.sync.resolveConflict({ id: c.id, choice: 'local', note: 'again' });
    expect(again.ok ? 'ok' : again.error.code).toBe('already_resolved');
  });

  it('a refused write can be corrected and retried by an admin, or discarded with a note by its author', async () => {
    const clinic = await station({ name: 'Clinic', kind: 'reception', user: 'doc1' });
    const admin = stations.find((s) => s.ws.status().kind === 'admin') as Station;
    const doctor = clinic.ws.session.currentUser()?.id as string;
    // Two writes the server will refuse: the doctor is demoted while they wait in the outbox.
    clinic.proxy.cut();
    const first = unwrap(
      await clinic.ws.api.patients.register({
        first_name: 'Sainabou',
        last_name: 'Faal',
        date_of_birth: '1980-08-08',
        gender: 'female',
      }),
    );
    const second = unwrap(
      await clinic.ws.api.patients.register({
        first_name: 'Modou',
        last_name: 'Faye',
        date_of_birth: '1981-09-09',
        gender: 'male',
      }),
    );
    if (first.status !== 'registered' || second.status !== 'registered') throw new Error('not registered');
    await server.database.query(
      `UPDATE users SET role_id = (SELECT id FROM roles WHERE name = 'lab_technician') WHERE id = $1`,
      [doctor],
    );
    clinic.proxy.pass();
    await clinic.ws.drain();
    expect(clinic.ws.get('patients', first.patient.id)).toBeNull();
    await eventually(async () => {
      const q = await clinic.ws.api.sync.quarantine({ status: 'open' });
      return q.ok && q.value.filter((i) => i.status === 'open').length === 2;
    }, 'both refusals on the clinic PC');
    const items = unwrap(await clinic.ws.api.sync.quarantine({ status: 'open' }));
    const byRow = (rowId: string) => items.find((i) => i.rowId === rowId);
    expect(byRow(first.patient.id)?.reason).toMatch(/lab_technician may not create patients/);

    // The admin corrects the first (a typo in the surname) and retries it: it lands, as the admin's.
    await eventually(async () => {
      const q = await admin.ws.api.sync.quarantine({ status: 'open' });
      return q.ok && q.value.some((i) => i.rowId === first.patient.id);
    }, 'the refusal in the admin queue');
    const firstItem = byRow(first.patient.id);
    unwrap(
      await admin.ws.api.sync.retryQuarantined({
        id: firstItem?.id as string,
        values: { last_name: 'Faal-Jobe' },
        note: 'registered again by IT after the role change',
      }),
    );
    await admin.ws.drain();
    const [landed] = await server.database.query<Row>(
      `SELECT last_name, mrn, created_by::text AS created_by FROM patients WHERE id = $1`,
      [first.patient.id],
    );
    expect(landed).toEqual({
      last_name: 'Faal-Jobe',
      mrn: first.patient.mrn,
      created_by: admin.ws.session.currentUser()?.id,
    });
    // The author (a lab technician now) discards the second, saying why.
    const secondItem = byRow(second.patient.id);
    const discarded = unwrap(
      await clinic.ws.api.sync.discardQuarantined({
        id: secondItem?.id as string,
        note: 'duplicate of an existing record',
      }),
    );
    expect(discarded.status).toBe('dismissed');
    await clinic.ws.drain();
    await admin.ws.drain();
    const records = await server.database.query<Row>(
      `SELECT row_id::text AS row_id, status, review_note, reviewed_by::text AS reviewed_by FROM quarantined_mutations
       WHERE row_id = ANY($1) ORDER BY status`,
      [[first.patient.id, second.patient.id]],
    );
    expect(records).toEqual([
      {
        row_id: second.patient.id,
        status: 'dismissed',
        review_note: 'duplicate of an existing record',
        reviewed_by: doctor,
      },
      {
        row_id: first.patient.id,
        status: 'reapplied',
        review_note: 'registered again by IT after the role change',
        reviewed_by: admin.ws.session.currentUser()?.id,
      },
    ]);
    const audited = await server.database.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_log WHERE object_type = 'quarantined_mutations' AND action = 'update'`,
    );
    expect(audited[0]?.n).toBe(2);
    // Dealt with once only.
    const again = await admin.ws.api.sync.retryQuarantined({ id: firstItem?.id as string });
    expect(again.ok ? 'ok' : again.error.code).toBe('already_reviewed');
  });
});
