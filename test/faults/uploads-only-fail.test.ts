/**
 * Only uploads fail (a maintenance transaction holds a lock the write path needs, for seconds), while
 * the server answers and the shapes stream: the workstation says it is not online, does not flip
 * online/offline (each flip used to restart every shape stream and reset the upload back-off), and
 * sends everything once the lock is gone. Issue 9, "clients that back off".
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.ts';
import { eventually, type Station, startStation } from '../support/stations.ts';

describe('when only uploads fail', () => {
  let server: TestServer;
  let station: Station;
  beforeAll(async () => {
    server = await startTestServer();
    await server.createUser('rec.lock', 'receptionist');
    station = await startStation(server, {
      name: 'Desk under a lock',
      kind: 'reception',
      user: 'rec.lock',
      options: { uploadTimeoutMs: 800, heartbeatMs: 300 },
    });
  });
  afterAll(async () => {
    await station?.close();
    await server?.close();
  });

  it('says so, stays put instead of flapping, and catches up when the lock goes', async () => {
    const { ws } = station;
    await ws.drain();
    const [row] = await server.database.query<{ db: string }>('SELECT current_database() AS db');
    const maintenance = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:5432/${row?.db}` });
    await maintenance.connect();
    const flips: boolean[] = [];
    const onStatus = (s: { online: boolean }) => {
      if (flips.at(-1) !== s.online) flips.push(s.online);
    };
    const unsubscribe = ws.on('status', onStatus);
    try {
      await maintenance.query('BEGIN');
      await maintenance.query('LOCK TABLE applied_mutations IN ACCESS EXCLUSIVE MODE');
      const made = ws.writes.insert('patients', {
        mrn: 'P-LOCK-1',
        first_name: 'Ebrima',
        last_name: 'Touray',
        date_of_birth: '1980-01-01',
        gender: 'male',
      });
      expect(made.ok).toBe(true);
      await eventually(() => ws.status().online === false, 'not online while uploads fail', 5_000);
      flips.length = 0;
      // Several upload timeouts and heartbeats later: no flip back to "online".
      await new Promise((r) => setTimeout(r, 4_000));
      expect(flips.filter((v) => v)).toEqual([]);
      expect(ws.status().outboxPending).toBe(1);
    } finally {
      await maintenance.query('ROLLBACK');
      await maintenance.end();
      unsubscribe();
    }
    await ws.drain(15_000);
    expect(ws.status()).toMatchObject({ online: true, outboxPending: 0, lastError: null });
    expect(await server.database.query(`SELECT 1 FROM patients WHERE mrn = 'P-LOCK-1'`)).toHaveLength(1);
  });
});
