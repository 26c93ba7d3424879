/**
 * A workstation whose clock is three hours off (reliability 9): merge order does not follow wall
 * clocks. An edit made after seeing the latest value applies even though its device time looks
 * hours older; the audit log keeps both the device's time and the server's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.ts';
import { eventually, type Station, startStation } from '../support/stations.ts';

const HOURS = 3 * 60 * 60 * 1000;

describe('a workstation clock off by hours', () => {
  let server: TestServer;
  let slow: Station;
  let fast: Station;

  beforeAll(async () => {
    server = await startTestServer();
    await server.createUser('skew1', 'receptionist');
    await server.createUser('skew2', 'receptionist');
    slow = await startStation(server, {
      name: 'Clock 3 h behind',
      kind: 'reception',
      user: 'skew1',
      options: { clock: () => Date.now() - HOURS },
    });
    fast = await startStation(server, {
      name: 'Clock 3 h ahead',
      kind: 'reception',
      user: 'skew2',
      options: { clock: () => Date.now() + HOURS },
    });
  });
  afterAll(async () => {
    await slow?.close();
    await fast?.close();
    await server?.close();
  });

  it('applies the causally later edit even when its clock says it is hours older', async () => {
    const created = fast.ws.writes.insert('patients', {
      mrn: 'P-SKEW-1',
      first_name: 'Mariama',
      last_name: 'Sanneh',
      date_of_birth: '1988-08-08',
      gender: 'female',
    });
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    const id = created.value.id as string;
    expect(fast.ws.writes.update('patients', id, { phone: '+220 7300000' }).ok).toBe(true);
    await fast.ws.drain();
    await eventually(
      () => slow.ws.get('patients', id)?.phone === '+220 7300000',
      'the slow PC sees the edit',
    );

    // Three hours "earlier" by its own clock, but made after seeing the fast PC's value.
    expect(slow.ws.writes.update('patients', id, { phone: '+220 7400000' }).ok).toBe(true);
    await slow.ws.drain();
    await fast.ws.drain();

    const [row] = await server.database.query<{ phone: string }>(`SELECT phone FROM patients WHERE id = $1`, [
      id,
    ]);
    expect(row?.phone).toBe('+220 7400000');
    expect(await server.database.query(`SELECT 1 FROM sync_conflicts WHERE row_id = $1`, [id])).toHaveLength(
      0,
    );
    await eventually(() => fast.ws.get('patients', id)?.phone === '+220 7400000', 'both PCs converge');

    const audit = await server.database.query<{ device_time: Date; created_at: Date; description: string }>(
      `SELECT device_time, created_at, description FROM audit_log WHERE object_id = $1 AND action = 'update' ORDER BY seq`,
      [id],
    );
    expect(audit).toHaveLength(2);
    const [fromFast, fromSlow] = audit.map(
      (a) => new Date(a.device_time).getTime() - new Date(a.created_at).getTime(),
    );
    // Device time is recorded as the device said it; server time as the server saw it.
    expect(fromFast).toBeGreaterThan(2.5 * 60 * 60 * 1000);
    expect(fromSlow).toBeLessThan(-2.5 * 60 * 60 * 1000);
  });
});
