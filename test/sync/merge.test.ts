/**
 * Merging two records of one person (registered twice, e.g. on two PCs cut off from each other): a
 * front desk requests it, an admin completes it, and the server re-points every row of the merged
 * record to the survivor, keeps the merged record marked `merged_into_id`, and audits it. The ward
 * that holds the survivor receives the merged record's chart; search no longer offers the merged one.
 * A merge the server cannot do (already merged) quarantines the admin's write with the reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Row } from '../../db/primitives/index.ts';
import { unwrap } from '../support/result.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { eventually, localRows, type Station, startStation } from '../support/stations.ts';

describe('merging two records of one patient', () => {
  let server: TestServer;
  const stations: Station[] = [];
  let ward: string;

  beforeAll(async () => {
    server = await startTestServer();
    await server.createUser('rec1', 'receptionist');
    await server.createUser('nurse1', 'nurse');
    const [w] = await server.database.query<{ id: string }>(
      `INSERT INTO wards (name, code, ward_type, capacity) VALUES ('Medical A', 'MA', 'general', 20) RETURNING id`,
    );
    ward = w?.id as string;
  });
  afterAll(async () => {
    for (const s of stations) await s.close();
    await server?.close();
  });

  it('re-points every reference to the survivor, keeps the merged record, audits it, and moves the chart', async () => {
    const desk = await startStation(server, { name: 'Desk', kind: 'reception', user: 'rec1' });
    const wardPc = await startStation(server, {
      name: 'Ward A',
      kind: 'ward',
      ward_id: ward,
      user: 'nurse1',
    });
    const admin = await startStation(server, { name: 'Admin', kind: 'admin', user: 'admin' });
    stations.push(desk, wardPc, admin);
    const nurse = wardPc.ws.session.currentUser()?.id as string;
    const [survivor, merged] = await server.database.query<{ id: string }>(
      `INSERT INTO patients (mrn, first_name, last_name, date_of_birth, gender, ward_id)
       VALUES ('P-M-1', 'Isatou', 'Njie', '1970-07-07', 'female', $1),
              ('P-M-2', 'Isatou', 'Njie', '1970-07-07', 'female', NULL)
       RETURNING id`,
      [ward],
    );
    const s = survivor?.id as string;
    const m = merged?.id as string;
    await server.database.query(
      `INSERT INTO vitals (patient_id, recorded_at, recorded_by, heart_rate) VALUES ($1, now(), $2, 77)`,
      [m, nurse],
    );
    await server.database.query(
      `INSERT INTO allergies (patient_id, allergen, severity) VALUES ($1, 'Penicillin', 'severe')`,
      [m],
    );
    await eventually(
      () => desk.ws.get('patients', m) !== null && desk.ws.get('patients', s) !== null,
      'both records at the desk',
    );
    expect(localRows(wardPc, 'SELECT 1 FROM allergies')).toEqual([]);

    const request = unwrap(
      await desk.ws.api.patients.requestMerge({
        survivorId: s,
        mergedId: m,
        reason: 'same person, same birth date',
      }),
    );
    await desk.ws.drain();
    await eventually(
      () => admin.ws.get('patient_merges', String(request.id)) !== null,
      'request at the admin PC',
    );
    const done = unwrap(
      await admin.ws.api.patients.reviewMerge({
        id: String(request.id),
        decision: 'complete',
        note: 'ids checked',
      }),
    );
    expect(done.status).toBe('completed');
    await admin.ws.drain();

    expect(
      await server.database.query(`SELECT merged_into_id::text AS m FROM patients WHERE id = $1`, [m]),
    ).toEqual([{ m: s }]);
    expect(
      await server.database.query(`SELECT count(*)::int AS n FROM vitals WHERE patient_id = $1`, [s]),
    ).toEqual([{ n: 1 }]);
    expect(
      await server.database.query(`SELECT count(*)::int AS n FROM allergies WHERE patient_id = $1`, [s]),
    ).toEqual([{ n: 1 }]);
    expect(
      await server.database.query(`SELECT count(*)::int AS n FROM vitals WHERE patient_id = $1`, [m]),
    ).toEqual([{ n: 0 }]);
    const [audit] = await server.database.query<Row>(
      `SELECT user_id::text AS user_id, details FROM audit_log WHERE action = 'merge' AND object_id = $1`,
      [m],
    );
    expect(audit?.user_id).toBe(admin.ws.session.currentUser()?.id);
    expect(audit?.details).toMatchObject({
      survivor_id: s,
      merged_id: m,
      repointed: { 'vitals.patient_id': 1, 'allergies.patient_id': 1 },
    });
    // The ward holding the survivor receives the merged record's chart.
    await eventually(
      () => localRows(wardPc, 'SELECT allergen FROM allergies WHERE patient_id = ?', s).length === 1,
      'the allergy arrives on the ward under the survivor',
    );
    // Search at the desk offers only the survivor.
    await eventually(() => desk.ws.get('patients', m)?.merged_into_id === s, 'the merge reaches the desk');
    const found = unwrap(await desk.ws.api.patients.search({ query: 'isatou njie' }));
    expect(found.hits.map((h) => h.patient.id)).toEqual([s]);
    const chart = unwrap(await desk.ws.api.patients.chart({ id: m }));
    expect(chart.mergedInto?.id).toBe(s);
  });

  it('quarantines a merge the server cannot do, with the reason', async () => {
    const admin = stations.find((x) => x.ws.status().kind === 'admin') as Station;
    const [a, b, c] = await server.database.query<{ id: string }>(
      `INSERT INTO patients (mrn, first_name, last_name, date_of_birth, gender)
       VALUES ('P-Q-1', 'Musa', 'Ceesay', '1960-01-01', 'male'), ('P-Q-2', 'Musa', 'Ceesay', '1960-01-01', 'male'),
              ('P-Q-3', 'Musa', 'Ceesay', '1960-01-01', 'male')
       RETURNING id`,
    );
    await eventually(() => admin.ws.get('patients', c?.id as string) !== null, 'records at the admin PC');
    const first = unwrap(
      await admin.ws.api.patients.requestMerge({
        survivorId: a?.id as string,
        mergedId: b?.id as string,
        reason: 'same',
      }),
    );
    const second = unwrap(
      await admin.ws.api.patients.requestMerge({
        survivorId: c?.id as string,
        mergedId: b?.id as string,
        reason: 'same',
      }),
    );
    unwrap(await admin.ws.api.patients.reviewMerge({ id: String(first.id), decision: 'complete' }));
    unwrap(await admin.ws.api.patients.reviewMerge({ id: String(second.id), decision: 'complete' }));
    await admin.ws.drain();
    const [q] = await server.database.query<{ reason: string }>(
      `SELECT reason FROM quarantined_mutations WHERE row_id = $1`,
      [second.id],
    );
    expect(q?.reason).toMatch(/cannot merge: one of the two records has already been merged/);
    expect(
      await server.database.query(`SELECT merged_into_id::text AS m FROM patients WHERE id = $1`, [b?.id]),
    ).toEqual([{ m: a?.id }]);
  });
});
