/**
 * The admin's operations through the workstation core, against a real server: they act on the
 * server as the signed-in admin, refuse everyone else, and say so in words when the server cannot be
 * reached or the sign-in was offline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap } from '../support/result.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { eventually, stationPool } from '../support/stations.ts';

describe('admin operations through the core', () => {
  let server: TestServer;
  const pool = stationPool(() => server);
  beforeAll(async () => {
    server = await startTestServer();
    await server.createUser('rec1', 'receptionist');
  });
  afterAll(async () => {
    await pool.closeAll();
    await server?.close();
  });

  it('creates a user who can then sign in, changes their role, disables them; registers and revokes a PC', async () => {
    const desk = await pool.station({ name: 'Admin desk', kind: 'admin', user: 'admin' });
    const api = desk.ws.api.admin;
    const made = unwrap(
      await api.createUser({
        username: 'nurse7',
        first_name: 'Awa',
        last_name: 'Jobe',
        role: 'nurse',
        password: 'nurse7-password',
      }),
    );
    expect(made).toMatchObject({ username: 'nurse7', role: 'nurse', is_active: true });
    expect(await server.login('nurse7', 'nurse7-password')).toBeTruthy();
    // A clash is refused with the server's reason, and nothing is created.
    const twice = await api.createUser({
      username: 'nurse7',
      first_name: 'A',
      last_name: 'B',
      role: 'nurse',
      password: 'another-password',
    });
    expect(twice.ok).toBe(false);
    const bad = await api.createUser({
      username: 'x',
      first_name: '',
      last_name: 'B',
      role: 'nurse',
      password: 'short',
    });
    expect(bad.ok ? [] : bad.error.issues?.map((i) => i.field).sort()).toEqual([
      'first_name',
      'password',
      'username',
    ]);

    expect(unwrap(await api.updateUser({ id: made.id, role: 'doctor' })).role).toBe('doctor');
    expect(unwrap(await api.updateUser({ id: made.id, is_active: false })).is_active).toBe(false);
    await expect(server.login('nurse7', 'nurse7-password')).rejects.toThrow();
    expect(unwrap(await api.users({ query: 'nurse7' })).map((u) => u.username)).toEqual(['nurse7']);

    const pc = unwrap(await api.registerWorkstation({ name: 'Pharmacy 2', kind: 'pharmacy' }));
    expect(pc.enrollment_code).toMatch(/\S{6,}/);
    expect(unwrap(await api.workstations({})).map((w) => w.name)).toContain('Pharmacy 2');
    expect(unwrap(await api.revokeWorkstation({ id: pc.id })).revoked_at).not.toBeNull();
    const ward = await api.registerWorkstation({ name: 'Ward X', kind: 'ward' });
    expect(ward.ok ? [] : ward.error.issues?.map((i) => i.field)).toEqual(['ward_id']);

    const trail = unwrap(await api.audit({ objectType: 'users' }));
    expect(trail.map((e) => e.description)).toContain('created user nurse7');
    expect(unwrap(await api.verifyAudit({}))).toMatchObject({ intact: true, broken_at: null });
    const logins = unwrap(await api.loginActivity({ username: 'nurse7' }));
    expect(logins.map((l) => l.status)).toContain('success');
  });

  it('registers hundreds of PCs at once, each with its own generated code (a code drawn twice is drawn again)', async () => {
    // Codes are the kind's letter and three hex digits: 300 registrations racing each other draw
    // the same free code now and then, and both inserts would otherwise reach the unique index.
    const made = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        server.createWorkstation({ name: `Bulk desk ${i}`, kind: 'reception' }),
      ),
    );
    expect(made).toHaveLength(300);
    const codes = await server.database.query<{ n: number; distinct: number }>(
      `SELECT count(*)::int AS n, count(DISTINCT code)::int AS distinct FROM workstations WHERE name LIKE 'Bulk desk %'`,
    );
    expect(codes).toEqual([{ n: 300, distinct: 300 }]);
  });

  it('refuses a non-admin, and says so when the server is out of reach or the sign-in was offline', async () => {
    const desk = await pool.station({ name: 'Desk', kind: 'reception', user: 'rec1' });
    const refused = await desk.ws.api.admin.users({});
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    const admin = await pool.station({ name: 'Admin 2', kind: 'admin', user: 'admin' });
    admin.proxy.cut();
    expect(await admin.ws.api.admin.workstations({})).toMatchObject({
      ok: false,
      error: { code: 'offline' },
    });
    admin.ws.session.logout();
    unwrap(await admin.ws.api.session.login({ username: 'admin', password: 'admin-password-for-tests' }));
    expect(admin.ws.session.currentUser()?.offline).toBe(true);
    admin.proxy.pass();
    expect(await admin.ws.api.admin.workstations({})).toMatchObject({
      ok: false,
      error: { code: 'needs_online_sign_in' },
    });
  });

  it('every chart opened, even offline, reaches the audit trail as a read by that user', async () => {
    const desk = await pool.station({ name: 'Desk 3', kind: 'reception', user: 'rec1' });
    const admin = await pool.station({ name: 'Admin 3', kind: 'admin', user: 'admin' });
    const made = unwrap(
      await desk.ws.api.patients.register({
        first_name: 'Kaddy',
        last_name: 'Sowe',
        date_of_birth: '1991-02-02',
        gender: 'female',
      }),
    );
    if (made.status !== 'registered') throw new Error('not registered');
    desk.proxy.cut();
    unwrap(await desk.ws.api.patients.chart({ id: made.patient.id }));
    unwrap(await desk.ws.api.patients.chart({ id: made.patient.id }));
    desk.proxy.pass();
    await desk.ws.drain();
    const reads = unwrap(await admin.ws.api.admin.audit({ action: 'read', objectType: 'patients' })).filter(
      (e) => e.object_id === made.patient.id,
    );
    expect(reads).toHaveLength(2);
    expect(reads.every((e) => e.username === 'rec1' && e.description === 'opened the chart')).toBe(true);
  });

  it("locks screens after the hospital's idle setting, once it reaches the PC (10 minutes until then)", async () => {
    const desk = await pool.station({ name: 'Desk 4', kind: 'reception', user: 'rec1' });
    expect(unwrap(await desk.ws.api.session.policy({}))).toEqual({ autoLockMinutes: 10 });
    await server.database.query(
      `INSERT INTO system_settings (key, value, category, is_public) VALUES ('security.session_minutes', '15', 'security', true)`,
    );
    await eventually(
      async () => unwrap(await desk.ws.api.session.policy({})).autoLockMinutes === 15,
      'the setting on the PC',
    );
    await server.database.query(
      `UPDATE system_settings SET value = 'soon' WHERE key = 'security.session_minutes'`,
    );
    await eventually(
      async () => unwrap(await desk.ws.api.session.policy({})).autoLockMinutes === 10,
      'a nonsense value falls back to 10',
    );
  });
});
