/**
 * One long lock must not stall the server (issue 9): a maintenance transaction holds a lock every
 * upload needs while workstations time out and re-send. Uploads answer 503 with retry-after instead
 * of queueing for ever, the work of a request whose client has gone is cancelled (no backend left
 * waiting on the lock for it), health and reads keep answering, and nothing is lost once the lock goes.
 */
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Mutation, SYNC_SCHEMA_VERSION } from '../../db/sync-contract.ts';
import { eventually } from '../support/eventually.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

describe('a table locked for maintenance', () => {
  let server: TestServer;
  let token: string;
  let grants: Record<string, string>;
  let author: string;
  let maintenance: pg.Client;

  beforeAll(async () => {
    server = await startTestServer();
    author = await server.createUser('rec.lock2', 'receptionist');
    const ws = await server.enrol({ name: 'Desk behind a lock', kind: 'reception' });
    token = ws.token;
    grants = { [author]: await server.grant('rec.lock2', token) };
    const [row] = await server.database.query<{ db: string }>('SELECT current_database() AS db');
    maintenance = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:5432/${row?.db}` });
    await maintenance.connect();
  });
  afterAll(async () => {
    await maintenance?.end().catch(() => {});
    await server?.close();
  });

  const batch = (i: number): Mutation[] => {
    const ms = Date.now();
    return [
      {
        id: uuidv7(),
        tx_id: uuidv7(),
        table: 'patients',
        row_id: uuidv7(),
        op: 'insert',
        author_id: author,
        hlc: `${String(ms).padStart(13, '0')}-${String(i).padStart(6, '0')}-lockdesk`,
        device_time: new Date(ms).toISOString(),
        data: {
          mrn: `P-LK-${i}`,
          first_name: 'Modou',
          last_name: 'Njie',
          date_of_birth: '1975-07-07',
          gender: 'male',
        },
      },
    ];
  };
  const upload = (mutations: Mutation[], timeoutMs: number) =>
    fetch(`${server.url}/api/sync/mutations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ schema_version: SYNC_SCHEMA_VERSION, grants, mutations }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  /** Backends of this database waiting for a lock, other than the maintenance session. */
  const waiting = async () =>
    Number(
      (
        await maintenance.query<{ n: string }>(
          `SELECT count(*)::text AS n FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
        )
      ).rows[0]?.n,
    );

  it('answers 503 to uploads, cancels abandoned ones, keeps health and reads up, and loses nothing', async () => {
    const batches = Array.from({ length: 24 }, (_, i) => batch(i));
    await maintenance.query('BEGIN');
    await maintenance.query('LOCK TABLE patients IN EXCLUSIVE MODE');
    let released = false;
    try {
      // Workstations that give up after 800 ms, as a PC's upload timeout would, and re-send.
      const abandoned = await Promise.allSettled(batches.map((b) => upload(b, 800)));
      expect(abandoned.every((r) => r.status === 'rejected')).toBe(true);
      // Their work is cancelled, not left queued on the lock holding a connection each.
      await eventually(async () => (await waiting()) === 0, 'abandoned uploads cancelled', 5_000);

      // Health and reads answer while the lock is still held.
      const health = await fetch(`${server.url}/api/health`, { signal: AbortSignal.timeout(5_000) });
      expect(health.status).toBe(200);
      const shape = await fetch(`${server.url}/v1/shape?table=patients&offset=-1`, {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(5_000),
      });
      expect(shape.status).toBe(200);

      // A client that waits is told to come back, before its own timeout.
      const patient = await upload(batches[0] as Mutation[], 15_000);
      expect(patient.status).toBe(503);
      expect(patient.headers.get('retry-after')).toBeTruthy();
      expect(released).toBe(false);
    } finally {
      await maintenance.query('ROLLBACK');
      released = true;
    }
    for (const b of batches) expect((await upload(b, 10_000)).status).toBe(200);
    const [n] = await server.database.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM patients WHERE mrn LIKE 'P-LK-%'`,
    );
    expect(Number(n?.n)).toBe(24);
  }, 60_000);
});
