/**
 * The mutation endpoint over real HTTP against real Postgres: outcomes, idempotency, conflicts whose
 * provisional value does not depend on arrival order, delete/update races, quarantine of invalid and
 * unauthorised writes, and the audit trail.
 */
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Mutation, SYNC_SCHEMA_VERSION } from '../../db/sync-contract.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

interface Station {
  token: string;
  id: string;
  grants: Record<string, string>;
}

let counter = 0;
const hlc = (ms: number, node: string) =>
  `${String(ms).padStart(13, '0')}-${String(counter++ % 999999).padStart(6, '0')}-${node}`;

describe('POST /api/sync/mutations', () => {
  let server: TestServer;
  let receptionist: string;
  let doctor: string;
  let admin: string;
  let deskA: Station;
  let deskB: Station;

  const post = async (
    ws: Station,
    mutations: Mutation[],
    { schema_version = SYNC_SCHEMA_VERSION, after }: { schema_version?: number; after?: string } = {},
  ) => {
    const res = await fetch(`${server.url}/api/sync/mutations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ws.token}` },
      body: JSON.stringify({ schema_version, grants: ws.grants, mutations, ...(after ? { after } : {}) }),
    });
    return {
      status: res.status,
      body: (await res.json()) as {
        results: { id: string; outcome: string; reason?: string; version?: number }[];
        error?: string;
      },
    };
  };

  const insertPatient = (author: string, mrn: string, ms = Date.now()): Mutation => ({
    id: uuidv7(),
    tx_id: uuidv7(),
    table: 'patients',
    row_id: uuidv7(),
    op: 'insert',
    author_id: author,
    hlc: hlc(ms, 'a'),
    device_time: new Date(ms).toISOString(),
    data: { mrn, first_name: 'Awa', last_name: 'Ceesay', date_of_birth: '1984-03-02', gender: 'female' },
  });

  const update = (
    author: string,
    table: string,
    rowId: string,
    changes: Mutation['changes'],
    baseVersion: number,
    ms: number,
    node: string,
  ): Mutation => ({
    id: uuidv7(),
    tx_id: uuidv7(),
    table,
    row_id: rowId,
    op: 'update',
    author_id: author,
    hlc: hlc(ms, node),
    device_time: new Date(ms).toISOString(),
    changes,
    base_version: baseVersion,
  });

  const row = async (table: string, id: string) =>
    (await server.database.query<Record<string, unknown>>(`SELECT * FROM ${table} WHERE id = $1`, [id]))[0];

  beforeAll(async () => {
    server = await startTestServer();
    receptionist = await server.createUser('reception1', 'receptionist');
    doctor = await server.createUser('doctor1', 'doctor');
    admin = (await server.database.query<{ id: string }>(`SELECT id FROM users WHERE username = 'admin'`))[0]
      ?.id as string;
    for (const [name, target] of [
      ['Desk A', 'a'],
      ['Desk B', 'b'],
    ] as const) {
      // Admin-kind desks hold and write every table: here only the author's role stands in the way
      // (what a PC's scope refuses is test/sync/write-scope.test.ts).
      const ws = await server.enrol({ name, kind: 'admin' });
      const station: Station = {
        token: ws.token,
        id: ws.id,
        grants: {
          [receptionist]: await server.grant('reception1', ws.token),
          [doctor]: await server.grant('doctor1', ws.token),
          [admin]: await server.grant('admin', ws.token),
        },
      };
      if (target === 'a') deskA = station;
      else deskB = station;
    }
  });
  afterAll(async () => server?.close());

  it('applies an insert once, however often the batch is retried', async () => {
    const m = insertPatient(receptionist, 'P-A-0001');
    const first = await post(deskA, [m]);
    expect(first.status).toBe(200);
    expect(first.body.results).toEqual([{ id: m.id, outcome: 'applied', version: 1 }]);
    const again = await post(deskA, [m]);
    expect(again.body.results[0]?.outcome).toBe('applied');
    const rows = await server.database.query(`SELECT id FROM patients WHERE mrn = 'P-A-0001'`);
    expect(rows).toHaveLength(1);
    const stored = await row('patients', m.row_id);
    expect(stored?.created_by).toBe(receptionist);
    const audit = await server.database.query<{ action: string; user_id: string }>(
      `SELECT action, user_id FROM audit_log WHERE object_id = $1`,
      [m.row_id],
    );
    expect(audit).toEqual([{ action: 'create', user_id: receptionist }]);
  });

  it('applies a pipelined batch only after the batch before it, whichever arrives first', async () => {
    // The first batch registers a patient; the second, sent right behind it on another connection,
    // changes that patient. The second arrives first.
    const first = insertPatient(receptionist, 'P-PIPE-1');
    const second = update(
      receptionist,
      'patients',
      first.row_id,
      { phone: { base: null, value: '+220 7000001' } },
      1,
      Date.now() + 1,
      'a',
    );
    const secondAnswer = post(deskA, [second], { after: first.id });
    await new Promise((r) => setTimeout(r, 150));
    expect((await post(deskA, [first])).status).toBe(200);
    const answered = await secondAnswer;
    expect(answered.status).toBe(200);
    expect(answered.body.results.map((r) => r.outcome)).toEqual(['applied']);
    expect(await row('patients', first.row_id)).toMatchObject({ phone: '+220 7000001', version: 2 });
    // In the log, the insert comes before the update.
    const log = await server.database.query<{ operation: string }>(
      `SELECT operation FROM change_log WHERE row_id = $1 ORDER BY seq`,
      [first.row_id],
    );
    expect(log.map((l) => l.operation)).toEqual(['insert', 'update']);
  });

  it('answers 409 out_of_order, applying nothing, when the batch before never arrives', async () => {
    const lost = uuidv7();
    const orphan = insertPatient(receptionist, 'P-PIPE-2');
    const res = await post(deskA, [orphan], { after: lost });
    expect(res.status).toBe(409);
    expect(res.body.error).toBe('out_of_order');
    expect(await row('patients', orphan.row_id)).toBeUndefined();
  }, 15_000);

  it('merges concurrent changes to different fields without a conflict', async () => {
    const m = insertPatient(receptionist, 'P-A-0002');
    await post(deskA, [m]);
    const t = Date.now();
    const a = update(
      receptionist,
      'patients',
      m.row_id,
      { phone: { base: null, value: '+220 7000001' } },
      1,
      t,
      'a',
    );
    const b = update(
      receptionist,
      'patients',
      m.row_id,
      { address: { base: null, value: 'Brikama' } },
      1,
      t + 1,
      'b',
    );
    expect((await post(deskA, [a])).body.results[0]?.outcome).toBe('applied');
    expect((await post(deskB, [b])).body.results[0]?.outcome).toBe('merged');
    const stored = await row('patients', m.row_id);
    expect(stored).toMatchObject({ phone: '+220 7000001', address: 'Brikama', version: 3 });
    const conflicts = await server.database.query(`SELECT 1 FROM sync_conflicts WHERE row_id = $1`, [
      m.row_id,
    ]);
    expect(conflicts).toHaveLength(0);
  });

  it('records one conflict with both values and picks the same provisional value in either arrival order', async () => {
    const finals: unknown[] = [];
    for (const order of ['a-first', 'b-first'] as const) {
      const m = insertPatient(receptionist, `P-A-01${order === 'a-first' ? 1 : 2}`);
      await post(deskA, [m]);
      const t = Date.now();
      // B's change is later by HLC: it must win provisionally whichever arrives first.
      const a = update(
        receptionist,
        'patients',
        m.row_id,
        { phone: { base: null, value: '+220 7111111' } },
        1,
        t,
        'a',
      );
      const b = update(
        receptionist,
        'patients',
        m.row_id,
        { phone: { base: null, value: '+220 7222222' } },
        1,
        t + 5,
        'b',
      );
      const [first, second] =
        order === 'a-first'
          ? ([
              [deskA, a],
              [deskB, b],
            ] as const)
          : ([
              [deskB, b],
              [deskA, a],
            ] as const);
      expect((await post(first[0], [first[1]])).body.results[0]?.outcome).toBe('applied');
      expect((await post(second[0], [second[1]])).body.results[0]?.outcome).toBe('conflict');
      finals.push((await row('patients', m.row_id))?.phone);
      const conflicts = await server.database.query<Record<string, unknown>>(
        `SELECT field, local_value, server_value, provisional_value, local_author_id, status FROM sync_conflicts WHERE row_id = $1`,
        [m.row_id],
      );
      expect(conflicts).toHaveLength(1);
      expect(conflicts[0]?.field).toBe('phone');
      expect([conflicts[0]?.local_value, conflicts[0]?.server_value].sort()).toEqual([
        '+220 7111111',
        '+220 7222222',
      ]);
      expect(conflicts[0]?.provisional_value).toBe('+220 7222222');
      expect(conflicts[0]?.status).toBe('open');
      // Each side's PC, by id and by name, and the HLC of the write the server held (its time).
      const [local, held, heldWrite] = order === 'a-first' ? [deskB, deskA, a] : [deskA, deskB, b];
      const [pcs] = await server.database.query<Record<string, unknown>>(
        `SELECT local_workstation_id::text, local_workstation_name, server_workstation_id::text,
                server_workstation_name, server_hlc FROM sync_conflicts WHERE row_id = $1`,
        [m.row_id],
      );
      expect(pcs).toEqual({
        local_workstation_id: local.id,
        local_workstation_name: local === deskA ? 'Desk A' : 'Desk B',
        server_workstation_id: held.id,
        server_workstation_name: held === deskA ? 'Desk A' : 'Desk B',
        server_hlc: heldWrite.hlc,
      });
    }
    expect(finals).toEqual(['+220 7222222', '+220 7222222']);
  });

  it('never silently resurrects or loses: delete racing an update keeps the row and records a conflict', async () => {
    for (const order of ['delete-first', 'update-first'] as const) {
      const m = insertPatient(receptionist, `P-A-02-${order}`);
      await post(deskA, [m]);
      const t = Date.now();
      const del: Mutation = {
        id: uuidv7(),
        tx_id: uuidv7(),
        table: 'patients',
        row_id: m.row_id,
        op: 'delete',
        // Only an admin may (soft-)delete a patient record.
        author_id: admin,
        hlc: hlc(t, 'a'),
        device_time: new Date(t).toISOString(),
        base_version: 1,
      };
      const upd = update(
        receptionist,
        'patients',
        m.row_id,
        { address: { base: null, value: 'Basse' } },
        1,
        t + 1,
        'b',
      );
      const [first, second] =
        order === 'delete-first'
          ? ([
              [deskA, del],
              [deskB, upd],
            ] as const)
          : ([
              [deskB, upd],
              [deskA, del],
            ] as const);
      expect((await post(first[0], [first[1]])).body.results[0]).toMatchObject({ outcome: 'applied' });
      expect((await post(second[0], [second[1]])).body.results[0]).toMatchObject({ outcome: 'conflict' });
      const stored = await row('patients', m.row_id);
      expect(stored?.deleted_at).toBeNull();
      expect(stored?.address).toBe('Basse');
      const conflicts = await server.database.query<Record<string, unknown>>(
        `SELECT kind, server_author_id::text, server_workstation_id::text, server_workstation_name, server_hlc
           FROM sync_conflicts WHERE row_id = $1`,
        [m.row_id],
      );
      // The server side is the write that came first: the deletion on desk A, or the change on desk B.
      const [held, heldWrite] = order === 'delete-first' ? [deskA, del] : [deskB, upd];
      expect(conflicts).toEqual([
        {
          kind: 'delete_update',
          server_author_id: heldWrite.author_id,
          server_workstation_id: held.id,
          server_workstation_name: held === deskA ? 'Desk A' : 'Desk B',
          server_hlc: heldWrite.hlc,
        },
      ]);
    }
  });

  it('quarantines a receptionist changing a prescription, keeps it whole, audits it, and applies the rest of the batch', async () => {
    const p = insertPatient(receptionist, 'P-A-0300');
    await post(deskA, [p]);
    const rx: Mutation = {
      id: uuidv7(),
      tx_id: uuidv7(),
      table: 'prescriptions',
      row_id: uuidv7(),
      op: 'insert',
      author_id: doctor,
      hlc: hlc(Date.now(), 'a'),
      device_time: new Date().toISOString(),
      data: {
        patient_id: p.row_id,
        prescriber_id: doctor,
        medication_name: 'Amoxicillin',
        dosage: '500 mg',
        frequency: 'tds',
      },
    };
    const change = update(
      receptionist,
      'prescriptions',
      rx.row_id,
      { dosage: { base: '500 mg', value: '1 g' } },
      1,
      Date.now() + 1,
      'a',
    );
    const after = insertPatient(receptionist, 'P-A-0301');
    const res = await post(deskA, [rx, change, after]);
    expect(res.body.results.map((r) => r.outcome)).toEqual(['applied', 'quarantined', 'applied']);
    expect(res.body.results[1]?.reason).toMatch(/receptionist may not update prescriptions/);
    expect((await row('prescriptions', rx.row_id))?.dosage).toBe('500 mg');
    const q = await server.database.query<{ reason: string; payload: Mutation; status: string }>(
      `SELECT reason, payload, status FROM quarantined_mutations WHERE mutation_id = $1`,
      [change.id],
    );
    expect(q[0]?.status).toBe('open');
    expect(q[0]?.payload.changes).toEqual(change.changes);
    const audit = await server.database.query<{ description: string }>(
      `SELECT description FROM audit_log WHERE object_id = $1 AND description = 'mutation quarantined'`,
      [rx.row_id],
    );
    expect(audit).toHaveLength(1);
  });

  it('quarantines invalid data, unknown tables and forged authors, and a database constraint failure', async () => {
    const bad = insertPatient(receptionist, 'P-A-0400');
    (bad.data as Record<string, unknown>).gender = 'robot';
    const unknown: Mutation = { ...insertPatient(receptionist, 'P-A-0401'), table: 'change_log' };
    const forged = insertPatient(doctor, 'P-A-0402');
    const dup = insertPatient(receptionist, 'P-A-0001');
    const res = await post({ ...deskA, grants: { [receptionist]: deskA.grants[receptionist] as string } }, [
      bad,
      unknown,
      forged,
      dup,
    ]);
    expect(res.body.results.map((r) => r.outcome)).toEqual([
      'quarantined',
      'quarantined',
      'quarantined',
      'quarantined',
    ]);
    expect(res.body.results[0]?.reason).toMatch(/gender/);
    expect(res.body.results[1]?.reason).toMatch(/not a synced table/);
    expect(res.body.results[2]?.reason).toMatch(/authoring grant/);
    expect(res.body.results[3]?.reason).toMatch(/patients_mrn_key/);
    const count = await server.database.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM quarantined_mutations WHERE mutation_id = ANY($1)`,
      [[bad.id, unknown.id, forged.id, dup.id]],
    );
    expect(count[0]?.n).toBe('4');
  });

  it('quarantines one malformed mutation on its own, so it cannot block the outbox behind it', async () => {
    const broken = { ...insertPatient(receptionist, 'P-A-0600'), hlc: 'yesterday', op: 'upsert' };
    const good = insertPatient(receptionist, 'P-A-0601');
    const res = await fetch(`${server.url}/api/sync/mutations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${deskA.token}` },
      body: JSON.stringify({
        schema_version: SYNC_SCHEMA_VERSION,
        grants: deskA.grants,
        mutations: [broken, good],
      }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { results: { id: string; outcome: string; reason?: string }[] };
    expect(body.results.map((r) => r.outcome)).toEqual(['quarantined', 'applied']);
    expect(body.results[0]?.reason).toMatch(/hlc/);
    const kept = await server.database.query<{ payload: { op: string } }>(
      `SELECT payload FROM quarantined_mutations WHERE mutation_id = $1`,
      [broken.id],
    );
    expect(kept[0]?.payload.op).toBe('upsert');
  });

  it('refuses a malformed batch with 400 naming the field, a stale schema with 409, a revoked workstation with 401', async () => {
    const res = await fetch(`${server.url}/api/sync/mutations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${deskA.token}` },
      body: JSON.stringify({ schema_version: 1, grants: {}, mutations: [{ id: 'nope' }], extra: 1 }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { issues: { field: string; rule: string }[] };
    expect(body.issues.map((i) => i.field)).toEqual(expect.arrayContaining(['mutations.0.id', 'extra']));

    const stale = await post(deskA, [insertPatient(receptionist, 'P-A-0500')], {
      schema_version: SYNC_SCHEMA_VERSION + 1,
    });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toBe('schema_version');
    expect(await server.database.query(`SELECT 1 FROM patients WHERE mrn = 'P-A-0500'`)).toHaveLength(0);

    await server.admin('POST', `/api/workstations/${deskB.id}/revoke`);
    const revoked = await post(deskB, [insertPatient(receptionist, 'P-A-0501')]);
    expect(revoked.status).toBe(401);
    const shape = await fetch(`${server.url}/v1/shape?table=patients&offset=-1`, {
      headers: { authorization: `Bearer ${deskB.token}` },
    });
    expect(shape.status).toBe(401);
  });
});
