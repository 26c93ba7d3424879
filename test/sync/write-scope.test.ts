/**
 * A workstation writes only inside its scope, and is sent only the columns its kind's roles may read:
 * the attacks of the security review, replayed over real HTTP against real Postgres. Each write is
 * made by a user who holds a valid authoring grant on the PC (the role allows the write): only the
 * PC's scope stands in the way.
 */
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Mutation, SYNC_SCHEMA_VERSION } from '../../db/sync-contract.ts';
import { tablesFor } from '../../sync-server/sync/scopes.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

interface Station {
  token: string;
  grants: Record<string, string>;
}

type Result = { id: string; outcome: string; reason?: string };

let clock = 0;
const stamp = () => {
  const ms = Date.now();
  return {
    hlc: `${String(ms).padStart(13, '0')}-${String(clock++).padStart(6, '0')}-scope`,
    device_time: new Date(ms).toISOString(),
  };
};

describe('a workstation writes only inside its scope', () => {
  let server: TestServer;
  let nurse: string;
  let doctor: string;
  let wardA: string;
  let wardB: string;
  let onA: string;
  let onB: string;
  let bedB: string;
  let pcA: Station;
  let pharmacy: Station;
  let desk: Station;

  const post = async (ws: Station, mutations: Mutation[]): Promise<Result[]> => {
    const res = await fetch(`${server.url}/api/sync/mutations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ws.token}` },
      body: JSON.stringify({ schema_version: SYNC_SCHEMA_VERSION, grants: ws.grants, mutations }),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { results: Result[] }).results;
  };

  const insert = (author: string, table: string, data: NonNullable<Mutation['data']>): Mutation => ({
    id: uuidv7(),
    tx_id: uuidv7(),
    table,
    row_id: uuidv7(),
    op: 'insert',
    author_id: author,
    ...stamp(),
    data,
  });

  const update = (author: string, table: string, rowId: string, changes: Mutation['changes']): Mutation => ({
    id: uuidv7(),
    tx_id: uuidv7(),
    table,
    row_id: rowId,
    op: 'update',
    author_id: author,
    ...stamp(),
    changes,
  });

  const patient = (mrn: string, ward: string | null) => ({
    mrn,
    first_name: 'Awa',
    last_name: 'Ceesay',
    date_of_birth: '1984-03-02',
    gender: 'female',
    phone: '+220 7012345',
    national_id: 'GM-1',
    known_allergies: 'penicillin',
    blood_group: 'O+',
    ...(ward ? { ward_id: ward } : {}),
  });

  const one = async <T>(q: string, params: unknown[]) =>
    (await server.database.query<T & Record<string, unknown>>(q, params))[0] as T;

  const station = async (name: string, kind: string, users: string[], ward_id?: string): Promise<Station> => {
    const ws = await server.enrol({ name, kind, ...(ward_id ? { ward_id } : {}) });
    const grants: Record<string, string> = {};
    for (const u of users) {
      const id = (await one<{ id: string }>(`SELECT id FROM users WHERE username = $1`, [u])).id;
      grants[id] = await server.grant(u, ws.token);
    }
    return { token: ws.token, grants };
  };

  beforeAll(async () => {
    server = await startTestServer();
    nurse = await server.createUser('nurse1', 'nurse');
    doctor = await server.createUser('doctor1', 'doctor');
    const ward = async (code: string) =>
      (
        await one<{ id: string }>(
          `INSERT INTO wards (name, code, ward_type, capacity) VALUES ($1, $2, 'general', 10) RETURNING id`,
          [`Ward ${code}`, code],
        )
      ).id;
    wardA = await ward('SA');
    wardB = await ward('SB');
    const place = async (mrn: string, w: string) =>
      (
        await one<{ id: string }>(
          `INSERT INTO patients (mrn, first_name, last_name, date_of_birth, gender, ward_id, national_id,
             known_allergies, blood_group, next_of_kin_name)
           VALUES ($1, 'Binta', 'Jallow', '1970-01-01', 'female', $2, 'GM-9', 'sulfa', 'A-', 'Lamin')
           RETURNING id`,
          [mrn, w],
        )
      ).id;
    onA = await place('P-SEED-1', wardA);
    onB = await place('P-SEED-2', wardB);
    bedB = (
      await one<{ id: string }>(
        `INSERT INTO beds (ward_id, bed_number, status, patient_id) VALUES ($1, 'B1', 'occupied', $2) RETURNING id`,
        [wardB, onB],
      )
    ).id;
    await server.database.query(
      `INSERT INTO prescriptions (patient_id, prescriber_id, medication_name, dosage, frequency, route, duration_days, quantity, status)
       VALUES ($1, $2, 'Amoxicillin', '500 mg', 'tds', 'oral', 5, 15, 'active')`,
      [onB, doctor],
    );
    pcA = await station('Ward SA PC', 'ward', ['nurse1', 'doctor1'], wardA);
    pharmacy = await station('Pharmacy', 'pharmacy', ['doctor1']);
    desk = await station('Front desk', 'reception', ['doctor1']);
  });
  afterAll(async () => server?.close());

  it("refuses a note on another ward's patient, and keeps it whole with the reason", async () => {
    const note = insert(nurse, 'clinical_notes', {
      patient_id: onB,
      author_id: nurse,
      note_type: 'nursing',
      body: 'seen',
    });
    const [r] = await post(pcA, [note]);
    expect(r?.outcome).toBe('quarantined');
    expect(r?.reason).toMatch(/outside this workstation's scope/);
    expect(await server.database.query(`SELECT 1 FROM clinical_notes WHERE id = $1`, [note.row_id])).toEqual(
      [],
    );
    const kept = await one<{ reason: string }>(
      `SELECT reason FROM quarantined_mutations WHERE mutation_id = $1`,
      [note.id],
    );
    expect(kept.reason).toMatch(/clinical_notes is not one this ward's workstation holds/);
    // The same note on its own ward's patient goes in.
    const own = insert(nurse, 'clinical_notes', {
      patient_id: onA,
      author_id: nurse,
      note_type: 'nursing',
      body: 'ok',
    });
    expect((await post(pcA, [own]))[0]?.outcome).toBe('applied');
  });

  it('refuses clinical writes from a pharmacy PC, even by a doctor', async () => {
    const note = insert(doctor, 'clinical_notes', {
      patient_id: onA,
      author_id: doctor,
      note_type: 'progress',
      body: 'x',
    });
    const [r] = await post(pharmacy, [note]);
    expect(r?.outcome).toBe('quarantined');
    expect(r?.reason).toBe(
      "outside this workstation's scope: a pharmacy workstation does not write clinical_notes",
    );
  });

  it("refuses pulling another ward's patient onto this ward, and lets this ward transfer its own", async () => {
    const pull = update(nurse, 'patients', onB, { ward_id: { base: wardB, value: wardA } });
    expect((await post(pcA, [pull]))[0]?.outcome).toBe('quarantined');
    expect(
      (await one<{ ward_id: string }>(`SELECT ward_id FROM patients WHERE id = $1`, [onB])).ward_id,
    ).toBe(wardB);

    const send = update(nurse, 'patients', onA, { ward_id: { base: wardA, value: wardB } });
    expect((await post(pcA, [send]))[0]?.outcome).toBe('applied');
    expect(
      (await one<{ ward_id: string }>(`SELECT ward_id FROM patients WHERE id = $1`, [onA])).ward_id,
    ).toBe(wardB);
    // Gone from ward A: a later change from ward A's PC is refused.
    const late = update(nurse, 'patients', onA, { phone: { base: null, value: '+220 7000000' } });
    expect((await post(pcA, [late]))[0]?.outcome).toBe('quarantined');
  });

  it('registers on its own ward only', async () => {
    const elsewhere = insert(nurse, 'patients', patient('P-SA-1', wardB));
    const unplaced = insert(nurse, 'patients', patient('P-SA-2', null));
    const here = insert(nurse, 'patients', patient('P-SA-3', wardA));
    // In one batch, as an outbox drains: the bulk insert path must check too.
    const results = await post(pcA, [elsewhere, unplaced, here]);
    expect(results.map((r) => r.outcome)).toEqual(['quarantined', 'quarantined', 'applied']);
    const stored = await server.database.query<{ mrn: string }>(
      `SELECT mrn FROM patients WHERE mrn LIKE 'P-SA-%' ORDER BY mrn`,
      [],
    );
    expect(stored.map((r) => r.mrn)).toEqual(['P-SA-3']);
  });

  it('gives no conflict, and so no stored value, for a wrong base on a row outside the scope', async () => {
    const probe = update(doctor, 'patients', onB, { known_allergies: { base: 'guess', value: 'none' } });
    const [r] = await post(pcA, [probe]);
    expect(r?.outcome).toBe('quarantined');
    expect(await server.database.query(`SELECT 1 FROM sync_conflicts WHERE row_id = $1`, [onB])).toEqual([]);
    const kept = await one<{ data: unknown }>(
      `SELECT to_jsonb(q) AS data FROM quarantined_mutations q WHERE mutation_id = $1`,
      [probe.id],
    );
    expect(JSON.stringify(kept.data)).not.toContain('sulfa');
  });

  it('refuses a column the PC kind does not hold (a doctor at the front desk setting a blood group)', async () => {
    const p = insert(doctor, 'patients', patient('P-FD-1', null));
    const [r] = await post(desk, [p]);
    expect(r?.outcome).toBe('quarantined');
    expect(r?.reason).toMatch(
      /a reception workstation does not hold patients\.(known_allergies|blood_group)/,
    );
  });

  describe('column policy on shapes', () => {
    const snapshot = async (ws: Station, table: string) => {
      const res = await fetch(`${server.url}/v1/shape?table=${table}&offset=-1`, {
        headers: { authorization: `Bearer ${ws.token}` },
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { value?: Record<string, unknown> }[];
      return body.flatMap((m) => (m.value ? [m.value] : []));
    };

    it('sends a front desk no blood group or allergies, and a pharmacy no national id or next of kin', async () => {
      const atDesk = (await snapshot(desk, 'patients')).find((p) => p.mrn === 'P-SEED-2');
      expect(atDesk).toMatchObject({ first_name: 'Binta', blood_group: null, known_allergies: null });
      expect(atDesk?.national_id).toBe('GM-9');
      const pharmacyRows = await snapshot(pharmacy, 'patients');
      expect(pharmacyRows.map((p) => p.mrn)).toEqual(['P-SEED-2']);
      expect(pharmacyRows[0]?.known_allergies).toBe('sulfa');
      for (const p of pharmacyRows) {
        expect(p.national_id).toBeNull();
        expect(p.next_of_kin_name).toBeNull();
      }
    });

    it("sends a ward PC every bed, but the occupant only of its own ward's beds", async () => {
      const beds = await snapshot(pcA, 'beds');
      const b = beds.find((x) => x.id === bedB);
      expect(b).toMatchObject({ status: 'occupied', patient_id: null });
      await server.database.query(`UPDATE beds SET ward_id = $1 WHERE id = $2`, [wardA, bedB]);
      const mine = (await snapshot(pcA, 'beds')).find((x) => x.id === bedB);
      expect(mine?.patient_id).toBe(onB);
    });

    it('leaves out of a scope the tables no role working there may read', () => {
      expect(tablesFor('pharmacy')).not.toContain('beds');
      expect(tablesFor('lab')).not.toContain('medication_items');
      expect(tablesFor('reception')).not.toContain('note_templates');
      expect(tablesFor('ward')).toContain('beds');
    });
  });
});
