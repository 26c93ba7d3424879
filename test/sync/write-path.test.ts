/**
 * No single mutation can block or fool the write path: a NUL character or a deeply nested value is
 * quarantined on its own (the rest of the batch lands, the outbox behind it moves), a mutation id
 * reused for other content is refused as such (and one PC never learns another's outcome), and a
 * clock far ahead of the server's cannot win every later conflict. Real HTTP, real Postgres.
 */
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Mutation, SYNC_SCHEMA_VERSION } from '../../db/sync-contract.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

interface Station {
  id: string;
  token: string;
  grants: Record<string, string>;
}
type Result = { id: string; outcome: string; reason?: string };

let counter = 0;
const hlcAt = (ms: number, node = 'wp') =>
  `${String(ms).padStart(13, '0')}-${String(counter++).padStart(6, '0')}-${node}`;

describe('the write path against one bad mutation', () => {
  let server: TestServer;
  let admin: string;
  let deskA: Station;
  let deskB: Station;

  /** `mutations` as objects, or as JSON text (a value too deep for this process to stringify). */
  const post = async (ws: Station, mutations: unknown[] | string) => {
    const list = typeof mutations === 'string' ? mutations : JSON.stringify(mutations);
    const res = await fetch(`${server.url}/api/sync/mutations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ws.token}` },
      body: `{"schema_version":${SYNC_SCHEMA_VERSION},"grants":${JSON.stringify(ws.grants)},"mutations":${list}}`,
    });
    return { status: res.status, results: ((await res.json()) as { results?: Result[] }).results ?? [] };
  };

  const patient = (mrn: string, extra: Record<string, unknown> = {}): Mutation => ({
    id: uuidv7(),
    tx_id: uuidv7(),
    table: 'patients',
    row_id: uuidv7(),
    op: 'insert',
    author_id: admin,
    hlc: hlcAt(Date.now()),
    device_time: new Date().toISOString(),
    data: {
      mrn,
      first_name: 'Awa',
      last_name: 'Ceesay',
      date_of_birth: '1984-03-02',
      gender: 'female',
      ...extra,
    },
  });

  beforeAll(async () => {
    server = await startTestServer();
    admin = (await server.database.query<{ id: string }>(`SELECT id FROM users WHERE username = 'admin'`))[0]
      ?.id as string;
    const desk = async (name: string): Promise<Station> => {
      const ws = await server.enrol({ name, kind: 'admin' });
      return { id: ws.id, token: ws.token, grants: { [admin]: await server.grant('admin', ws.token) } };
    };
    deskA = await desk('Desk A');
    deskB = await desk('Desk B');
  });
  afterAll(async () => server?.close());

  it('quarantines a NUL character on its own; the rest of the batch lands, and a retry answers the same', async () => {
    const before = patient('P-NUL-1');
    const bad = patient('P-NUL-2', { first_name: 'Aw\u0000a' });
    const after = patient('P-NUL-3');
    const first = await post(deskA, [before, bad, after]);

    expect(first.status, JSON.stringify(first)).toBe(200);
    expect(first.results.map((r) => r.outcome)).toEqual(['applied', 'quarantined', 'applied']);
    expect(first.results[1]?.reason).toMatch(/NUL character/);
    // Each write's audit row says which PC sent it, and from where.
    const [audited] = await server.database.query<{ workstation_id: string; ip_address: string }>(
      `SELECT workstation_id, ip_address FROM audit_log WHERE object_id = $1`,
      [before.row_id],
    );
    expect(audited).toEqual({ workstation_id: deskA.id, ip_address: '127.0.0.1' });
    const again = await post(deskA, [before, bad, after]);
    expect(again.status, JSON.stringify(again)).toBe(200);
    expect(again.results.map((r) => r.outcome)).toEqual(['applied', 'quarantined', 'applied']);
    // Kept whole for whoever fixes it: the text as sent, NUL escaped.
    const [kept] = await server.database.query<{ payload: unknown }>(
      `SELECT payload FROM quarantined_mutations WHERE mutation_id = $1`,
      [bad.id],
    );
    expect(JSON.stringify(kept?.payload)).toContain('Aw\\\\u0000a');
  });

  it('quarantines a deeply nested value on its own', async () => {
    const deep = `${'{"d":'.repeat(5_000)}{"leaf":true}${'}'.repeat(5_000)}`;
    const bad = patient('P-DEEP-1', { preferences: { placeholder: true } });
    const good = patient('P-DEEP-2');
    const text = JSON.stringify([bad, good]).replace('{"placeholder":true}', deep);
    const res = await post(deskA, text);
    expect(res.status).toBe(200);
    expect(res.results.map((r) => r.outcome)).toEqual(['quarantined', 'applied']);
    expect(res.results[0]?.reason).toMatch(/nested/);
  });

  it('refuses a mutation id reused for different content, and never tells one PC the outcome of another', async () => {
    const m = patient('P-REUSE-1');
    expect((await post(deskA, [m])).results[0]?.outcome).toBe('applied');
    // Same id, other content, same PC: not "applied" with the content silently dropped.
    const changed = { ...m, data: { ...m.data, first_name: 'Binta' } };
    const r1 = (await post(deskA, [changed])).results[0];
    expect(r1?.outcome).toBe('quarantined');
    expect(r1?.reason).toMatch(/already used for a different write/);
    // Same id and content from another PC: refused, and the answer says nothing about desk A's write.
    const r2 = (await post(deskB, [m])).results[0];
    expect(r2?.outcome).toBe('quarantined');
    expect(r2).not.toHaveProperty('version');
    const stored = await server.database.query<{ first_name: string }>(
      `SELECT first_name FROM patients WHERE id = $1`,
      [m.row_id],
    );
    expect(stored).toEqual([{ first_name: 'Awa' }]);
    // The genuine retry still gets its answer.
    expect((await post(deskA, [m])).results[0]).toMatchObject({ outcome: 'applied', version: 1 });
  });

  it('bounds a clock far ahead of the server: a forged future HLC does not win every later conflict', async () => {
    const p = patient('P-CLOCK-1');
    await post(deskA, [p]);
    const future = Date.now() + 365 * 24 * 3600 * 1000;
    const forged: Mutation = {
      id: uuidv7(),
      tx_id: uuidv7(),
      table: 'patients',
      row_id: p.row_id,
      op: 'update',
      author_id: admin,
      hlc: hlcAt(future, 'forger'),
      device_time: new Date(future).toISOString(),
      changes: { phone: { base: null, value: '+220 1111111' } },
      base_version: 1,
    };
    expect((await post(deskA, [forged])).results[0]?.outcome).toBe('applied');
    // An honest later edit from another PC, made against the old value, conflicts: it must win.
    const honest: Mutation = {
      ...forged,
      id: uuidv7(),
      tx_id: uuidv7(),
      hlc: hlcAt(Date.now() + 1_000, 'honest'),
      device_time: new Date().toISOString(),
      changes: { phone: { base: null, value: '+220 2222222' } },
    };
    const r = (await post(deskB, [honest])).results[0];
    expect(r?.outcome).toBe('conflict');
    const [row] = await server.database.query<{ phone: string }>(`SELECT phone FROM patients WHERE id = $1`, [
      p.row_id,
    ]);
    expect(row?.phone).toBe('+220 2222222');
  });

  it('stamps who settled a conflict and when itself, whatever the PC claims', async () => {
    const [conflict] = await server.database.query<{ id: string }>(
      `SELECT c.id FROM sync_conflicts c JOIN patients p ON p.id = c.row_id WHERE p.mrn = 'P-CLOCK-1'`,
    );
    const settle: Mutation = {
      id: uuidv7(),
      tx_id: uuidv7(),
      table: 'sync_conflicts',
      row_id: conflict?.id as string,
      op: 'update',
      author_id: admin,
      hlc: hlcAt(Date.now()),
      device_time: '2020-01-01T00:00:00.000Z',
      changes: {
        status: { base: 'open', value: 'resolved' },
        resolved_by: { base: null, value: admin },
        resolved_at: { base: null, value: '2020-01-01T00:00:00.000Z' },
      },
    };
    const started = Date.now();
    expect((await post(deskA, [settle])).results[0]?.outcome).toBe('applied');
    const [row] = await server.database.query<{ resolved_by: string; resolved_at: Date }>(
      `SELECT resolved_by, resolved_at FROM sync_conflicts WHERE id = $1`,
      [conflict?.id],
    );
    expect(row?.resolved_by).toBe(admin);
    expect(new Date(row?.resolved_at as Date).getTime()).toBeGreaterThanOrEqual(started - 1_000);
  });

  it('keeps the last active admin through sync as through the API', async () => {
    const disable: Mutation = {
      id: uuidv7(),
      tx_id: uuidv7(),
      table: 'users',
      row_id: admin,
      op: 'update',
      author_id: admin,
      hlc: hlcAt(Date.now()),
      device_time: new Date().toISOString(),
      changes: { is_active: { base: true, value: false } },
    };
    const r = (await post(deskA, [disable])).results[0];
    expect(r?.outcome).toBe('quarantined');
    expect(r?.reason).toMatch(/last active admin/);
    const [me] = await server.database.query<{ is_active: boolean }>(
      `SELECT is_active FROM users WHERE id = $1`,
      [admin],
    );
    expect(me?.is_active).toBe(true);
  });

  it("ends a user's grant when an admin disables them or it grows old: earlier writes land, later ones are refused", async () => {
    const nurse = await server.createUser('grant.nurse', 'nurse');
    const ws = await server.enrol({ name: 'Grant desk', kind: 'admin' });
    const desk: Station = {
      id: ws.id,
      token: ws.token,
      grants: { [nurse]: await server.grant('grant.nurse', ws.token) },
    };
    const note = (deviceMs: number): Mutation => ({
      ...patient(`P-GRANT-${counter}`),
      author_id: nurse,
      hlc: hlcAt(deviceMs),
      device_time: new Date(deviceMs).toISOString(),
    });
    const beforeDisable = note(Date.now() - 1_000);
    await server.admin('PATCH', `/api/users/${nurse}`, { is_active: false });
    const afterDisable = note(Date.now() + 5_000);
    const { results } = await post(desk, [beforeDisable, afterDisable]);
    expect(results.map((r) => r.outcome)).toEqual(['applied', 'quarantined']);
    expect(results[1]?.reason).toMatch(/authoring grant on this workstation ended/);

    // Too old: a grant issued 31 days ago covers nothing written now.
    await server.admin('PATCH', `/api/users/${nurse}`, { is_active: true });
    desk.grants[nurse] = await server.grant('grant.nurse', ws.token);
    await server.database.query(
      `UPDATE authoring_grants SET issued_at = now() - interval '31 days' WHERE user_id = $1 AND revoked_at IS NULL`,
      [nurse],
    );
    const late = await post(desk, [note(Date.now())]);
    expect(late.results[0]?.outcome).toBe('quarantined');
  });
});
