/**
 * A network that silently drops packets during uploads (reliability 7): the workstation's proxy
 * blackholes while the user keeps writing. The upload in flight times out within its limit, local
 * writes keep succeeding at normal speed, the status says offline; after healing the outbox drains
 * and Postgres holds every write exactly once. A workstation started into such a network catches up
 * by itself once it heals: its shape requests lost in the void are restarted, not waited on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep } from '../support/child.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { eventually, localRows, type Station, startStation } from '../support/stations.ts';

const UPLOAD_TIMEOUT_MS = 1_500;

describe('blackholed network during an upload', () => {
  let server: TestServer;
  let station: Station;

  beforeAll(async () => {
    server = await startTestServer();
    await server.createUser('rec1', 'receptionist');
    station = await startStation(server, {
      name: 'Desk BH',
      kind: 'reception',
      user: 'rec1',
      options: { uploadTimeoutMs: UPLOAD_TIMEOUT_MS, heartbeatMs: 500 },
    });
  });
  afterAll(async () => {
    await station?.close();
    await server?.close();
  });

  it('times out, keeps local work going, and uploads everything once after healing', async () => {
    const { ws, proxy } = station;
    const written: string[] = [];
    let slowest = 0;
    let refused = 0;
    let writing = true;
    const writer = (async () => {
      for (let i = 0; writing; i++) {
        const t = performance.now();
        const r = ws.writes.insert('patients', {
          mrn: `BH-${i}`,
          first_name: 'Binta',
          last_name: 'Sowe',
          date_of_birth: '1995-02-02',
          gender: 'female',
        });
        slowest = Math.max(slowest, performance.now() - t);
        if (r.ok) written.push(r.value.id as string);
        else refused++;
        await sleep(15);
      }
    })();

    await eventually(
      async () => (await server.database.query(`SELECT 1 FROM patients WHERE mrn LIKE 'BH-%'`)).length >= 5,
      'first writes uploaded',
    );
    expect(ws.status().online).toBe(true);

    proxy.blackhole();
    const blackholedAt = Date.now();
    const before = written.length;
    // The next upload goes into the void: it must give up within its timeout (plus a little).
    await eventually(
      () => /upload failed/i.test(ws.status().lastError ?? ''),
      'the upload to time out',
      UPLOAD_TIMEOUT_MS + 3_000,
    );
    const detectedAfter = Date.now() - blackholedAt;
    expect(detectedAfter).toBeLessThanOrEqual(UPLOAD_TIMEOUT_MS + 2_000);
    await eventually(() => ws.status().online === false, 'status offline', 5_000);
    await sleep(1_500); // keep writing while blackholed
    expect(written.length - before).toBeGreaterThan(20);
    expect(ws.status().outboxPending).toBeGreaterThan(0);
    expect(localRows(station, `SELECT id FROM patients WHERE mrn LIKE 'BH-%'`)).toHaveLength(written.length);

    // Heal, stop new work, drain, compare with Postgres.
    proxy.pass();
    writing = false;
    await writer;
    const healedAt = Date.now();
    await ws.drain(20_000);
    const drainMs = Date.now() - healedAt;
    expect(refused).toBe(0);
    // A write that waited on the network would take the upload timeout (1.5 s); a local one, milliseconds.
    expect(slowest).toBeLessThan(1_000);
    expect(ws.status().outboxPending).toBe(0);
    expect(ws.status().online).toBe(true);
    // Status tells the truth after recovery: the upload error is gone once uploads succeed again.
    expect(ws.status().lastError).toBeNull();
    const onServer = await server.database.query<{ id: string; n: number }>(
      `SELECT min(id::text) AS id, count(*)::int AS n FROM patients WHERE mrn LIKE 'BH-%' GROUP BY mrn`,
    );
    expect(onServer.filter((r) => r.n !== 1)).toEqual([]);
    expect(onServer.map((r) => r.id).sort()).toEqual([...written].sort());
    const applied = await server.database.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM applied_mutations WHERE row_id = ANY($1::uuid[])`,
      [written],
    );
    expect(applied[0]?.n).toBe(written.length);
    const local = localRows(station, `SELECT id FROM patients WHERE mrn LIKE 'BH-%' ORDER BY id`);
    expect(local.map((r) => r.id)).toEqual([...written].sort());
    console.info(
      `blackhole: ${written.length} writes, upload timeout noticed after ${detectedAfter} ms ` +
        `(limit ${UPLOAD_TIMEOUT_MS}), slowest local write ${slowest.toFixed(1)} ms, drained ${drainMs} ms after healing`,
    );
  }, 60_000);

  it('a workstation started while the network drops everything catches up by itself once it heals', async () => {
    await station.stop();
    station.proxy.blackhole();
    const ws = await station.restart();
    // Every stream's first request (a catch-up from its stored position) goes into the void.
    await sleep(2_000);
    const userId = await server.createUser('bh-newcomer', 'nurse');
    await sleep(500);
    expect(localRows(station, 'SELECT id FROM users WHERE id = ?', userId)).toEqual([]);
    const healedAt = Date.now();
    station.proxy.pass();
    // No drain, no nudge from the test: the heartbeat notices the network and the streams resume.
    await eventually(
      () => localRows(station, 'SELECT id FROM users WHERE id = ?', userId).length === 1,
      'the user created during the outage to reach the workstation',
      15_000,
    );
    expect(ws.status().online).toBe(true);
    console.info(`blackhole at start: caught up ${Date.now() - healedAt} ms after healing`);
  }, 60_000);
});
