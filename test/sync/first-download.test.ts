/**
 * The first download's progress, as the PC's status reports it to the progress bar: the server says
 * once how many rows of each table the PC will hold (`/api/sync/scope?rows=1`), and the PC counts
 * what has arrived, batch by batch, until every table has caught up. 25,000 patients make the
 * download take several snapshot chunks, so the count is seen climbing, never past the total,
 * and the total is exactly what the PC holds at the end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkstationStatus } from '../../main/core/workstation.ts';
import { insertPatients, startTestServer, type TestServer } from '../support/server.ts';
import { eventually, localRows, type Station, startStation } from '../support/stations.ts';

describe('first download progress', () => {
  let server: TestServer;
  let desk: Station | undefined;

  beforeAll(async () => {
    server = await startTestServer();
    await server.createUser('rec1', 'receptionist');
    await insertPatients(server, 25_000, 'P-BULK-', 'Jallow');
  }, 60_000);

  afterAll(async () => {
    await desk?.close();
    await server?.close();
  });

  it('counts records arrived against what the server said, climbing to the total, then ends', async () => {
    const seen: NonNullable<WorkstationStatus['firstSync']>[] = [];
    desk = await startStation(server, { name: 'Front desk', kind: 'reception', user: 'rec1' });
    const station = desk;
    const record = (s: WorkstationStatus) => {
      if (s.firstSync) seen.push(s.firstSync);
    };
    record(station.ws.status());
    const off = station.ws.on('status', record);
    await eventually(() => station.ws.status().firstSync === null, 'the first download ends', 60_000);
    off();

    const counted = seen.filter((f) => f.rowsTotal !== null);
    expect(counted.length).toBeGreaterThan(1);
    const total = counted[0]?.rowsTotal as number;
    // Every status agrees on the total, and it is exactly what the PC holds once it is done.
    expect(new Set(counted.map((f) => f.rowsTotal))).toEqual(new Set([total]));
    const held = station.ws
      .status()
      .tables.reduce((n, t) => n + Number(localRows(station, `SELECT count(*) AS n FROM "${t}"`)[0]?.n), 0);
    expect(total).toBe(held);
    expect(total).toBeGreaterThan(25_000);
    // Climbing, never past the total, and seen part-way.
    const done = counted.map((f) => f.rowsDone as number);
    for (let i = 1; i < done.length; i++) expect(done[i]).toBeGreaterThanOrEqual(done[i - 1] as number);
    expect(Math.max(...done)).toBeLessThanOrEqual(total);
    expect(done.some((d) => d > 0 && d < total)).toBe(true);
  });
});
