/**
 * A workstation whose disk fills up (a real 24 MiB tmpfs, filled with a file): it keeps running,
 * says the disk is full, refuses new work with that reason, keeps answering reads, and carries on by
 * itself once space is freed. Started on a full disk it opens read-only and says so. Issue 9, "a
 * workstation that stays up and tells the truth". Needs root (mount), as CI and this machine have.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillDisk, mountTmpfs } from '../support/disk.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { eventually, type Station, startStation } from '../support/stations.ts';

const patient = (mrn: string) => ({
  mrn,
  first_name: 'Isatou',
  last_name: 'Ceesay',
  date_of_birth: '1990-05-01',
  gender: 'female',
});

describe('a workstation on a full disk', () => {
  let server: TestServer;
  let station: Station;
  let disk: ReturnType<typeof mountTmpfs>;
  let filler: string;

  beforeAll(async () => {
    disk = mountTmpfs('24m');
    filler = join(disk.dir, 'filler');
    server = await startTestServer();
    await server.createUser('rec.full', 'receptionist');
    station = await startStation(server, {
      name: 'Desk with a small disk',
      kind: 'reception',
      user: 'rec.full',
      dir: join(disk.dir, 'data'),
      options: { heartbeatMs: 300, uploadTimeoutMs: 2_000 },
    });
  });
  afterAll(async () => {
    await station?.close();
    await server?.close();
    disk?.unmount();
  });

  it('refuses new work with the reason, keeps reading and syncing what it can, and recovers', async () => {
    let { ws } = station;
    const first = ws.writes.insert('patients', patient('P-FULL-0'));
    expect(first.ok).toBe(true);
    await ws.drain();
    // One write waits offline, so the upload after the disk fills is answered and its answer cannot
    // be recorded here (the uploader used to throw from its timer and end the process).
    station.proxy.cut();
    const waiting = ws.writes.insert('patients', patient('P-FULL-WAIT'));
    expect(waiting.ok).toBe(true);

    fillDisk(filler);
    // The WAL may still have room for a few pages: write until the disk says no.
    let refused: { code: string; message: string } | null = null;
    for (let i = 1; i <= 500 && !refused; i++) {
      const r = ws.writes.insert('patients', patient(`P-FULL-${i}`));
      if (!r.ok) refused = r.error;
    }
    expect(refused?.code).toBe('storage');
    expect(refused?.message).toMatch(/disk is full/);
    expect(ws.status().storage?.kind).toBe('full');
    // Through the IPC door too: the reason, not "something went wrong".
    const viaDoor = await ws.api.patients.register({
      first_name: 'Awa',
      last_name: 'Sowe',
      date_of_birth: '1985-02-02',
      gender: 'female',
    });
    expect(viaDoor.ok).toBe(false);
    expect(viaDoor.ok ? null : viaDoor.error.code).toBe('storage');

    station.proxy.pass();
    ws.syncNow();
    // Rows arriving from the server cannot be stored either: the streams back off, nothing dies.
    await server.database.query(
      `INSERT INTO patients (mrn, first_name, last_name, date_of_birth, gender) VALUES ('P-SERVER-1', 'Lamin', 'Jallow', '1970-01-01', 'male')`,
    );
    await new Promise((r) => setTimeout(r, 2_500));
    expect(ws.status().storage?.kind).toBe('full');
    // Reads still answer.
    expect(ws.get('patients', first.ok ? String(first.value.id) : '')).toMatchObject({ mrn: 'P-FULL-0' });

    rmSync(filler);
    const after = ws.writes.insert('patients', patient('P-FULL-AFTER'));
    expect(after.ok).toBe(true);
    expect(ws.status().storage).toBeNull();
    await ws.drain(20_000);
    const onServer = await server.database.query<{ mrn: string }>(
      `SELECT mrn FROM patients WHERE mrn LIKE 'P-FULL-%' ORDER BY mrn`,
    );
    const acceptedHere = (
      station.sqlite.prepare(`SELECT mrn FROM patients WHERE mrn LIKE 'P-FULL-%' ORDER BY mrn`).all() as {
        mrn: string;
      }[]
    ).map((r) => r.mrn);
    // Everything the PC accepted reached the server, and the server's row reached the PC.
    expect(onServer.map((r) => r.mrn)).toEqual(acceptedHere);
    expect(acceptedHere).toContain('P-FULL-AFTER');
    await eventually(
      () => station.sqlite.prepare(`SELECT 1 FROM patients WHERE mrn = 'P-SERVER-1'`).get() !== undefined,
      'the server row once space returned',
    );
    expect(ws.status()).toMatchObject({ storage: null, lastError: null, outboxPending: 0 });

    // Started on a full disk (no WAL left to write into): read-only, and it says so.
    await station.stop();
    fillDisk(filler);
    ws = await station.restart();
    try {
      expect(ws.status().storage?.kind).toBe('readonly');
      expect(ws.status().storage?.message).toMatch(/can only be read/);
      expect(ws.get('patients', first.ok ? String(first.value.id) : '')).toMatchObject({ mrn: 'P-FULL-0' });
      const r = ws.writes.insert('patients', patient('P-FULL-RO'));
      expect(r.ok ? null : r.error.code).toBe('storage');
    } finally {
      rmSync(filler);
    }
  }, 90_000);
});
