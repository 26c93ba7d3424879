/**
 * Two headless workstations against a real sync server (fresh Postgres): a write on one is visible
 * on the other, through the outbox upload and the Electric shape read path.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.ts';
import { eventually, localRows, type Station, startStation } from '../support/stations.ts';

describe('workstation basic sync', () => {
  let server: TestServer;
  let a: Station;
  let b: Station;
  let wardId: string;

  beforeAll(async () => {
    server = await startTestServer();
    const [ward] = await server.database.query<{ id: string }>(
      `INSERT INTO wards (name, code, ward_type, capacity) VALUES ('Ward 3A', 'W3A', 'general', 20) RETURNING id`,
    );
    wardId = ward?.id as string;
    await server.createUser('doc1', 'doctor');
    await server.createUser('nurse1', 'nurse');
    a = await startStation(server, { name: 'ward pc a', kind: 'ward', ward_id: wardId, user: 'doc1' });
    b = await startStation(server, { name: 'ward pc b', kind: 'ward', ward_id: wardId, user: 'nurse1' });
  }, 60_000);

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await server?.close();
  });

  it('a write on one workstation is visible on the other, both ways', async () => {
    await a.ws.drain();
    await b.ws.drain();
    expect(localRows(a, 'SELECT id FROM wards WHERE id = ?', wardId)).toHaveLength(1);
    expect(a.ws.status()).toMatchObject({
      online: true,
      outboxPending: 0,
      // Every table has arrived once: the first download is over.
      firstSync: null,
      revoked: false,
      updateRequired: false,
    });

    const created = a.ws.writes.insert('patients', {
      mrn: 'P-W3A-000001',
      first_name: 'Fatou',
      last_name: 'Ceesay',
      date_of_birth: '1984-03-02',
      gender: 'female',
      ward_id: wardId,
      consent_sms: false,
    });
    expect(created.ok).toBe(true);
    if (!created.ok) return;
    const id = created.value.id as string;
    // What sign-out warns about: how many writes wait and since when.
    const waiting = a.ws.status();
    expect(waiting.outboxPending).toBeGreaterThan(0);
    expect(Date.now() - Date.parse(String(waiting.oldestPendingAt))).toBeLessThan(60_000);
    await a.ws.drain();
    expect(a.ws.status()).toMatchObject({ outboxPending: 0, oldestPendingAt: null });
    const [pg] = await server.database.query<{ first_name: string; version: number }>(
      'SELECT first_name, version FROM patients WHERE id = $1',
      [id],
    );
    expect(pg?.first_name).toBe('Fatou');
    await eventually(
      () => localRows(b, 'SELECT id FROM patients WHERE id = ?', id).length === 1,
      'patient on B',
    );
    expect(localRows(b, 'SELECT consent_sms, mrn FROM patients WHERE id = ?', id)[0]).toEqual({
      consent_sms: 0,
      mrn: 'P-W3A-000001',
    });

    // An update on A reaches B.
    expect(a.ws.writes.update('patients', id, { phone: '3001234' }).ok).toBe(true);
    await a.ws.drain();
    await eventually(
      () => localRows(b, 'SELECT phone FROM patients WHERE id = ?', id)[0]?.phone === '3001234',
      'phone on B',
    );

    // The nurse on B records vitals; A sees them.
    const vit = b.ws.writes.insert('vitals', {
      patient_id: id,
      recorded_by: b.ws.session.currentUser()?.id,
      recorded_at: new Date().toISOString(),
      heart_rate: 72,
      temperature_c: 36.8,
    });
    expect(vit.ok).toBe(true);
    if (!vit.ok) return;
    await b.ws.drain();
    await eventually(
      () => localRows(a, 'SELECT heart_rate FROM vitals WHERE id = ?', vit.value.id)[0]?.heart_rate === 72,
      'vitals on A',
    );
    const acked = localRows(b, `SELECT status, outcome FROM outbox WHERE row_id = ?`, vit.value.id);
    expect(acked).toEqual([{ status: 'acked', outcome: 'applied' }]);
  });
});
