/**
 * A unit of work the server refuses whole leaves the writing PC exactly as the server is: the fields
 * it changed are put back, and so are the row's stamps (`updated_at`, `updated_by`) that the local
 * write set, which the outbox never carried (found by the property test's convergence check).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.ts';
import { eventually, localRows, stationPool } from '../support/stations.ts';

describe('a unit refused whole', () => {
  let server: TestServer;
  const pool = stationPool(() => server);
  beforeAll(async () => {
    server = await startTestServer();
    await server.createUser('qr.one', 'receptionist');
    await server.createUser('qr.two', 'receptionist');
  });
  afterAll(async () => {
    await pool.closeAll();
    await server?.close();
  });

  const patient = (mrn: string) => ({
    mrn,
    first_name: 'Haddy',
    last_name: 'Secka',
    date_of_birth: '1979-04-04',
    gender: 'female',
  });

  it('leaves the row it updated as the server has it, stamps included', async () => {
    const one = await pool.station({ name: 'Desk one', kind: 'reception', user: 'qr.one' });
    const two = await pool.station({ name: 'Desk two', kind: 'reception', user: 'qr.two' });
    const existing = one.ws.writes.insert('patients', patient('P-QR-EXISTING'));
    if (!existing.ok) throw new Error(existing.error.message);
    await one.ws.drain();
    await two.ws.drain();
    const id = String(existing.value.id);

    two.proxy.cut();
    expect(one.ws.writes.insert('patients', patient('P-QR-DUP')).ok).toBe(true);
    await one.ws.drain();
    // Desk two, offline: one unit registering the same MRN (refused on the server) and editing
    // the existing patient; the whole unit is refused.
    const unit = two.ws.writes.unit((w) => {
      w.insert('patients', patient('P-QR-DUP'));
      w.update('patients', id, { phone: '7000001' });
    });
    expect(unit.ok).toBe(true);
    two.proxy.pass();
    await two.ws.drain();
    await eventually(() => two.ws.status().quarantined > 0, 'the refusal recorded');

    const [onServer] = await server.database.query<Record<string, unknown>>(
      `SELECT phone, updated_by::text AS updated_by, to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS updated_at
         FROM patients WHERE id = $1`,
      [id],
    );
    await eventually(() => {
      const [here] = localRows(two, 'SELECT phone, updated_by, updated_at FROM patients WHERE id = ?', id);
      return JSON.stringify(here) === JSON.stringify(onServer);
    }, 'desk two holds the server row');
  });
});
