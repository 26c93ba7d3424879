/**
 * A field a kind of PC does not hold is refused by the PC itself, before it is queued, with the
 * server's sentence: a doctor signed in at a front desk may set a blood group by role, but the front
 * desk never holds blood groups, so the server would refuse the write. The PC knows its kind and the
 * tables it holds from its own disk, so this holds offline too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.ts';
import { eventually, localRows, stationPool } from '../support/stations.ts';

describe('a PC refuses, itself, a field its kind does not hold', () => {
  let server: TestServer;
  const { station, closeAll } = stationPool(() => server);
  beforeAll(async () => {
    server = await startTestServer();
    await server.createUser('doc_at_desk', 'doctor');
  });
  afterAll(async () => {
    await closeAll();
    await server?.close();
  });

  it('a doctor at the front desk setting a blood group: refused at once, nothing queued, online or not', async () => {
    const desk = await station({ name: 'Front desk', kind: 'reception', user: 'doc_at_desk' });
    await eventually(
      async () => localRows(desk, `SELECT 1 FROM shape_positions WHERE table_name = 'patients'`).length > 0,
      'the desk holds patients',
    );
    const patient = (mrn: string, extra: Record<string, unknown> = {}) => ({
      mrn,
      first_name: 'Awa',
      last_name: 'Jallow',
      date_of_birth: '1990-04-12',
      gender: 'female',
      ...extra,
    });
    const outbox = () => Number(localRows(desk, 'SELECT COUNT(*) AS n FROM outbox')[0]?.n);
    const queued = outbox();

    const refused = desk.ws.writes.insert('patients', patient('P-DESK-1', { blood_group: 'O+' }));
    expect(refused.ok ? null : [refused.error.code, refused.error.message]).toEqual([
      'forbidden',
      "outside this workstation's scope: a reception workstation does not hold patients.blood_group",
    ]);
    expect(outbox()).toBe(queued);

    // The same registration without it goes through, and reaches the server.
    const ok = desk.ws.writes.insert('patients', patient('P-DESK-2'));
    expect(ok.ok).toBe(true);
    await eventually(
      async () => (await server.database.query(`SELECT 1 FROM patients WHERE mrn = 'P-DESK-2'`)).length === 1,
      'the registration reached the server',
    );

    // Cut off from the server and restarted, the PC still knows what it holds.
    desk.proxy.cut();
    await desk.stop();
    await desk.restart();
    const offline = desk.ws.writes.insert('patients', patient('P-DESK-3', { blood_group: 'A+' }));
    expect(offline).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});
