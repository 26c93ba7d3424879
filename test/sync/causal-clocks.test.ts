/**
 * Conflicts decided by causality and attributed to the write that set the value (issue 9). A PC
 * whose clock runs ahead sets a field; a PC with a true clock then edits it after seeing that value
 * (its HLC is lower: a causally later write with an older-looking clock). A third PC's concurrent
 * edit, made after both in real time, is judged against the write that really set the value: it
 * wins, and the conflict names that write's author and clock.
 */
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Mutation, SYNC_SCHEMA_VERSION } from '../../db/sync-contract.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { type Station, startStation } from '../support/stations.ts';

const hlc = (ms: number, node: string) => `${String(ms).padStart(13, '0')}-000000-${node}`;

describe('field clocks', () => {
  let server: TestServer;
  const desks: Record<string, { token: string; grants: Record<string, string>; author: string }> = {};

  beforeAll(async () => {
    server = await startTestServer();
    for (const name of ['fast', 'true', 'late']) {
      const author = await server.createUser(`clk.${name}`, 'receptionist');
      const ws = await server.enrol({ name: `Desk ${name}`, kind: 'reception' });
      desks[name] = {
        token: ws.token,
        author,
        grants: { [author]: await server.grant(`clk.${name}`, ws.token) },
      };
    }
  });
  afterAll(async () => server?.close());

  const post = async (desk: string, m: Omit<Mutation, 'author_id'>) => {
    const d = desks[desk] as (typeof desks)[string];
    const res = await fetch(`${server.url}/api/sync/mutations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${d.token}` },
      body: JSON.stringify({
        schema_version: SYNC_SCHEMA_VERSION,
        grants: d.grants,
        mutations: [{ ...m, author_id: d.author }],
      }),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { results: { outcome: string }[] }).results[0]?.outcome;
  };
  const phone = (desk: string, rowId: string, base: string, value: string, ms: number) =>
    post(desk, {
      id: uuidv7(),
      tx_id: uuidv7(),
      table: 'patients',
      row_id: rowId,
      op: 'update',
      hlc: hlc(ms, desk),
      device_time: new Date(ms).toISOString(),
      changes: { phone: { base, value } },
    });

  it('records the clock of the write that set the value, and judges and names conflicts by it', async () => {
    const t = Date.now() - 10_000;
    const rowId = uuidv7();
    expect(
      await post('true', {
        id: uuidv7(),
        tx_id: uuidv7(),
        table: 'patients',
        row_id: rowId,
        op: 'insert',
        hlc: hlc(t, 'true'),
        device_time: new Date(t).toISOString(),
        data: {
          mrn: 'P-CLK-1',
          first_name: 'Ousman',
          last_name: 'Drammeh',
          date_of_birth: '1960-01-01',
          gender: 'male',
          phone: '111',
        },
      }),
    ).toBe('applied');
    // The fast PC (clock 5 s ahead) sets the phone at t+1 s of true time.
    expect(await phone('fast', rowId, '111', '222', t + 6_000)).toBe('applied');
    // The true-clock PC saw 222 and corrected it at t+2 s: causally later, a lower HLC.
    expect(await phone('true', rowId, '222', '333', t + 2_000)).toBe('applied');
    const [clock] = await server.database.query<{ hlc: string; author_id: string }>(
      `SELECT hlc, author_id FROM field_clocks WHERE row_id = $1 AND field = 'phone'`,
      [rowId],
    );
    expect(clock).toEqual({ hlc: hlc(t + 2_000, 'true'), author_id: desks.true?.author });

    // A PC offline since before any of it edits the phone from 111 at t+4 s: a real conflict with
    // the write that set 333 (t+2 s), which it follows in time: it wins, and the conflict says whom
    // it overrode.
    expect(await phone('late', rowId, '111', '444', t + 4_000)).toBe('conflict');
    const [row] = await server.database.query<{ phone: string }>('SELECT phone FROM patients WHERE id = $1', [
      rowId,
    ]);
    expect(row?.phone).toBe('444');
    const [conflict] = await server.database.query<{ server_author_id: string; server_hlc: string }>(
      `SELECT server_author_id, server_hlc FROM sync_conflicts WHERE row_id = $1 AND field = 'phone'`,
      [rowId],
    );
    expect(conflict).toEqual({ server_author_id: desks.true?.author, server_hlc: hlc(t + 2_000, 'true') });
  });

  it("moves a PC's clock past the rows it receives, so its next edit is later than what it saw", async () => {
    await server.createUser('clk.behind', 'receptionist');
    await server.createUser('clk.ontime', 'receptionist');
    const behind: Station = await startStation(server, {
      name: 'Clock an hour behind',
      kind: 'reception',
      user: 'clk.behind',
      options: { clock: () => Date.now() - 3_600_000 },
    });
    const onTime = await startStation(server, { name: 'On time', kind: 'reception', user: 'clk.ontime' });
    try {
      const made = onTime.ws.writes.insert('patients', {
        mrn: 'P-CLK-2',
        first_name: 'Binta',
        last_name: 'Jobe',
        date_of_birth: '1999-09-09',
        gender: 'female',
      });
      if (!made.ok) throw new Error(made.error.message);
      await onTime.ws.drain();
      await behind.ws.drain();
      const edited = behind.ws.writes.update('patients', String(made.value.id), { phone: '555' });
      expect(edited.ok).toBe(true);
      const entry = behind.sqlite
        .prepare(`SELECT hlc FROM outbox WHERE row_id = ? AND operation = 'update'`)
        .get(made.value.id) as { hlc: string };
      const [seen] = await server.database.query<{ at: string }>(
        `SELECT (extract(epoch FROM updated_at) * 1000)::bigint::text AS at FROM patients WHERE id = $1`,
        [made.value.id],
      );
      expect(Number(entry.hlc.slice(0, 13))).toBeGreaterThanOrEqual(Number(seen?.at));
    } finally {
      await behind.close();
      await onTime.close();
    }
  });
});
