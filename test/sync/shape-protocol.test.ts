/**
 * The official `@electric-sql/client` against our `/v1/shape`, on real Postgres and on the embedded
 * PGlite: snapshot, live insert/update/delete, changes made directly in Postgres, 409 after the log
 * is invalidated or compacted past a client, and catch-up after a server restart from a saved
 * handle and offset.
 */
import { Shape, ShapeStream } from '@electric-sql/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bumpEpoch, compactChangeLog } from '../../sync-server/sync/change-log.ts';
import { eventually } from '../support/eventually.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

type Row = Record<string, unknown>;

describe.each([
  ['real Postgres', false],
  ['embedded PGlite', true],
] as const)('the shape endpoint with the official Electric client on %s', (_name, embedded) => {
  let server: TestServer;
  let token: string;

  beforeAll(async () => {
    server = await startTestServer({ embedded });
    const { enrollment_code } = await server.createWorkstation({ name: 'Admin desk', kind: 'admin' });
    const res = await fetch(`${server.url}/api/workstations/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: enrollment_code }),
    });
    token = ((await res.json()) as { token: string }).token;
  });
  afterAll(async () => server?.close());

  // Each stream is aborted when its test ends: `unsubscribeAll()` alone leaves its long-poll running,
  // and a stale stream would mark handles expired under the next test's feet.
  const aborts: AbortController[] = [];
  const stopStreams = () => {
    for (const a of aborts.splice(0)) a.abort();
  };
  afterEach(stopStreams);
  const stream = (opts: { handle?: string; offset?: string; url?: string; table?: string } = {}) => {
    const abort = new AbortController();
    aborts.push(abort);
    return new ShapeStream<Row>({
      url: `${opts.url ?? server.url}/v1/shape`,
      params: { table: opts.table ?? 'wards' },
      headers: { Authorization: `Bearer ${token}` },
      signal: abort.signal,
      ...(opts.handle ? { handle: opts.handle, offset: opts.offset as `${number}_${number}` } : {}),
      backoffOptions: { initialDelay: 50, maxDelay: 500, multiplier: 1.5 },
    });
  };

  const insertWard = (code: string, capacity = 10) =>
    server.database.query<{ id: string }>(
      `INSERT INTO wards (name, code, ward_type, capacity) VALUES ($1, $2, 'general', $3) RETURNING id`,
      [`Ward ${code}`, code, capacity],
    );

  it('refuses what a client may not ask: client-side filters, unknown tables, bad offsets, no token', async () => {
    const get = (query: string, auth = true) =>
      fetch(`${server.url}/v1/shape?${query}`, { headers: auth ? { authorization: `Bearer ${token}` } : {} });
    const where = await get('table=patients&offset=-1&where=true');
    expect(where.status).toBe(400);
    expect(((await where.json()) as { issues: { field: string }[] }).issues.map((i) => i.field)).toContain(
      'where',
    );
    const unknown = await get('table=user_credentials&offset=-1');
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: string }).error).toBe('unknown_shape');
    expect((await get('table=wards&offset=abc')).status).toBe(400);
    expect((await get('table=wards&offset=5_0')).status).toBe(400);
    expect((await get('table=wards&offset=-1', false)).status).toBe(401);
  });

  it('delivers a snapshot, then live inserts, updates and deletes made by plain SQL', async () => {
    const [a] = await insertWard('A');
    const shape = new Shape(stream());
    const rows = await shape.rows;
    expect(rows.map((r) => r.code)).toEqual(['A']);
    expect(rows[0]?.capacity).toBe(10);
    expect(rows[0]?.version).toBe(1);
    expect(typeof rows[0]?.created_at).toBe('string');
    expect(String(rows[0]?.created_at)).toMatch(/Z$/);

    const [b] = await insertWard('B');
    await eventually(() => shape.currentRows.length === 2, 'live insert');
    await server.database.query(`UPDATE wards SET capacity = 25 WHERE id = $1`, [a?.id]);
    await eventually(() => shape.currentRows.find((r) => r.id === a?.id)?.capacity === 25, 'live update');
    expect(shape.currentRows.find((r) => r.id === a?.id)?.version).toBe(2);
    await server.database.query(`DELETE FROM wards WHERE id = $1`, [b?.id]);
    await eventually(() => shape.currentRows.length === 1, 'live delete');
    shape.unsubscribeAll();
  });

  it('answers 409 must-refetch when the log is invalidated, and the client re-syncs', async () => {
    const s = stream();
    const shape = new Shape(s);
    await shape.rows;
    const firstHandle = s.shapeHandle;
    await bumpEpoch(server.database);
    await insertWard('C');
    await eventually(
      () => shape.currentRows.some((r) => r.code === 'C') && s.shapeHandle !== firstHandle,
      'refetch',
    );
    expect(shape.currentRows.map((r) => r.code).sort()).toEqual(['A', 'C']);
    shape.unsubscribeAll();
  });

  it('delivers every row of a transaction larger than one response (a bulk import)', async () => {
    const shape = new Shape(stream({ table: 'system_settings' }));
    const before = (await shape.rows).length;
    await server.database.query(
      `INSERT INTO system_settings (key, value) SELECT 'bulk.' || g, 'v' || g FROM generate_series(1, 12000) g`,
    );
    await eventually(() => shape.currentRows.length === before + 12_000, 'all 12,000 rows', 30_000);
    shape.unsubscribeAll();
  });

  it('answers 409 to a client whose position was compacted away, and the client re-syncs', async () => {
    const s = stream();
    const shape = new Shape(s);
    await shape.rows;
    const handle = s.shapeHandle as string;
    const offset = s.lastOffset;
    stopStreams();
    await insertWard('E');
    await insertWard('F');
    const compacted = await compactChangeLog(server.database, new Date(Date.now() + 60_000));
    expect(compacted.removed).toBeGreaterThan(0);

    const resumed = stream({ handle, offset });
    const controls: string[] = [];
    resumed.subscribe((msgs) => {
      for (const m of msgs) if ('control' in m.headers) controls.push(String(m.headers.control));
    });
    const again = new Shape(resumed);
    await eventually(
      () => controls.includes('must-refetch') && again.currentRows.some((r) => r.code === 'F'),
      'refetch',
    );
    expect(again.currentRows.map((r) => r.code).sort()).toEqual(['A', 'C', 'E', 'F']);
    again.unsubscribeAll();
  });

  it('answers 409, never a log with a gap, to a read that races a compaction it has not been told of', async () => {
    const s = stream();
    const shape = new Shape(s);
    await shape.rows;
    const handle = s.shapeHandle as string;
    const offset = s.lastOffset;
    stopStreams();
    await insertWard('G');
    // The compaction as it commits, before its notification reaches this server (the server's
    // cached floor is still the old one): the entries after this client's offset are gone.
    await server.database.query(
      `WITH f AS (UPDATE sync_counters SET value = (SELECT max(seq) FROM change_log)::text WHERE key = 'floor')
       DELETE FROM change_log`,
    );
    const res = await fetch(`${server.url}/v1/shape?table=wards&handle=${handle}&offset=${offset}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(409);
  });

  it('holds a live request through commits that bring its PC nothing, and answers the one that does', async () => {
    const [mine] = await insertWard('H1');
    const [other] = await insertWard('H2');
    const ward = await server.enrol({ name: 'Ward H1 PC', kind: 'ward', ward_id: mine?.id as string });
    const [patient] = await server.database.query<{ id: string }>(
      `INSERT INTO patients (mrn, first_name, last_name, date_of_birth, gender, ward_id)
       VALUES ('P-HOLD-1', 'Awa', 'Held', '1970-01-01', 'female', $1) RETURNING id`,
      [mine?.id],
    );
    const get = (query: string) =>
      fetch(`${server.url}/v1/shape?table=allergies&${query}`, {
        headers: { authorization: `Bearer ${ward.token}` },
      });
    // Snapshot, then catch up to the head: the position a live PC holds.
    let res = await get('offset=-1');
    await res.text();
    let handle = res.headers.get('electric-handle') as string;
    let offset = res.headers.get('electric-offset') as string;
    expect(res.status).toBe(200);
    while (!res.headers.has('electric-up-to-date')) {
      res = await get(`handle=${handle}&offset=${offset}`);
      await res.text();
      handle = res.headers.get('electric-handle') ?? handle;
      offset = res.headers.get('electric-offset') ?? offset;
    }
    let answeredAt: number | null = null;
    const live = get(`handle=${handle}&offset=${offset}&live=true`).then(async (r) => {
      answeredAt = Date.now();
      return { status: r.status, body: await r.text() };
    });
    // A patient admitted to another ward wakes this PC's allergies poll (a patient's allergies follow
    // their ward) but brings it nothing: the request stays held instead of answering empty.
    await server.database.query(
      `INSERT INTO patients (mrn, first_name, last_name, date_of_birth, gender, ward_id)
       VALUES ('P-HOLD-2', 'Kaddy', 'Elsewhere', '1971-01-01', 'female', $1)`,
      [other?.id],
    );
    await new Promise((r) => setTimeout(r, 400));
    expect(answeredAt).toBeNull();
    const [allergy] = await server.database.query<{ id: string }>(
      `INSERT INTO allergies (patient_id, allergen, severity) VALUES ($1, 'Penicillin', 'severe') RETURNING id`,
      [patient?.id],
    );
    const answer = await live;
    expect(answer.status).toBe(200);
    expect(answer.body).toContain(allergy?.id);
  });

  // A restart needs a database that outlives the server process: the real Postgres one.
  if (!embedded)
    it('resumes from a saved handle and offset after a server restart, without a snapshot', async () => {
      const s = stream();
      const shape = new Shape(s);
      await shape.rows;
      const handle = s.shapeHandle as string;
      const offset = s.lastOffset;
      stopStreams();

      const url = (server.app.server.address() as { port: number }).port;
      await server.app.close();
      // Change while the server is down, then restart on the same port and database.
      await insertWard('D');
      const restarted = await startTestServer({ url: await databaseUrl(server), port: url });
      try {
        const seen: Row[] = [];
        const resumed = stream({ handle, offset, url: restarted.url });
        const unsub = resumed.subscribe((msgs) => {
          for (const m of msgs) if ('key' in m) seen.push({ op: m.headers.operation, ...(m.value as Row) });
        });
        await eventually(() => seen.some((r) => r.code === 'D'), 'catch-up');
        // Only the change since the saved offset: no re-snapshot of A and C.
        expect(seen.map((r) => r.code)).toEqual(['D']);
        expect(resumed.shapeHandle).toBe(handle);
        unsub();
      } finally {
        await restarted.stop();
      }
    });
});

describe('the shape endpoint after the server loses its LISTEN connection', () => {
  let server: TestServer;
  afterAll(async () => server?.close());

  it('keeps delivering changes (the listener reconnects and wakes every poll)', async () => {
    server = await startTestServer();
    const ws = await server.enrol({ name: 'Admin desk', kind: 'admin' });
    const abort = new AbortController();
    const shape = new Shape(
      new ShapeStream<Row>({
        url: `${server.url}/v1/shape`,
        params: { table: 'wards' },
        headers: { Authorization: `Bearer ${ws.token}` },
        signal: abort.signal,
        backoffOptions: { initialDelay: 50, maxDelay: 500, multiplier: 1.5 },
      }),
    );
    try {
      await shape.rows;
      const killed = await server.database.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = current_database() AND query ILIKE 'LISTEN%'`,
      );
      expect(killed.length).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, 200));
      await server.database.query(
        `INSERT INTO wards (name, code, ward_type, capacity) VALUES ('Ward L', 'L', 'general', 4)`,
      );
      await eventually(
        () => shape.currentRows.some((r) => r.code === 'L'),
        'the change after the lost connection',
        15_000,
      );
    } finally {
      abort.abort();
    }
  });
});

async function databaseUrl(server: TestServer): Promise<string> {
  const [row] = await server.database.query<{ db: string }>('SELECT current_database() AS db');
  return `postgres://postgres@127.0.0.1:5432/${row?.db}`;
}
