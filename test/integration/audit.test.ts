/** The audit trail over HTTP: filtered reading for admins only, and a chain check that names the first altered row. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.ts';

describe('the audit trail for admins', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    await server.createUser('nurse1', 'nurse');
    await server.login('nurse1', 'password-nurse1');
  });
  afterAll(() => server?.close());

  const get = async (path: string, token?: string) => {
    const res = await fetch(`${server.url}${path}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('lists events with who did them, newest first, filtered', async () => {
    const created = await server.admin<{
      entries: { action: string; username: string | null; seq: number; description: string }[];
    }>('GET', '/api/audit?action=create&object_type=users');
    expect(created.entries.length).toBeGreaterThan(0);
    expect(created.entries.every((e) => e.action === 'create')).toBe(true);
    expect(created.entries.map((e) => e.description)).toContain('created user nurse1');
    expect(created.entries[0]?.username).toBe('admin');
    const all = await server.admin<{ entries: { seq: number }[] }>('GET', '/api/audit');
    const seqs = all.entries.map((e) => e.seq);
    expect([...seqs].sort((a, b) => b - a)).toEqual(seqs);
  });

  it('lists sign-in activity, failures included, by user name', async () => {
    await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'nurse1', password: 'wrong-password' }),
    });
    const { activities } = await server.admin<{ activities: { username: string; status: string }[] }>(
      'GET',
      '/api/login-activity?username=NURSE1',
    );
    expect(activities.map((a) => a.status)).toEqual(['failed', 'success']);
    const failed = await server.admin<{ activities: { status: string }[] }>(
      'GET',
      '/api/login-activity?status=failed',
    );
    expect(failed.activities.every((a) => a.status === 'failed')).toBe(true);
  });

  it('refuses non-admins and bad filters, and changes nothing', async () => {
    const nurse = await server.login('nurse1', 'password-nurse1');
    expect((await get('/api/audit', nurse)).status).toBe(403);
    expect((await get('/api/audit/verify', nurse)).status).toBe(403);
    const admin = await server.login('admin', 'admin-password-for-tests');
    const bad = await get('/api/audit?action=steal&limit=0', admin);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/action/);
  });

  it('checks the hash chain and names the first row someone altered', async () => {
    const fine = await server.admin<{ intact: boolean; broken_at: number | null; entries: number }>(
      'GET',
      '/api/audit/verify',
    );
    expect(fine).toMatchObject({ intact: true, broken_at: null });
    expect(fine.entries).toBeGreaterThan(1);
    const [row] = await server.database.query<{ seq: string }>(
      `SELECT seq FROM audit_log WHERE action = 'create' ORDER BY seq LIMIT 1`,
    );
    // Someone with database access rewrites history (the append-only trigger is bypassed as its owner).
    await server.database.query(`ALTER TABLE audit_log DISABLE TRIGGER USER`);
    await server.database.query(`UPDATE audit_log SET description = 'nothing happened' WHERE seq = $1`, [
      row?.seq,
    ]);
    await server.database.query(`ALTER TABLE audit_log ENABLE TRIGGER USER`);
    const broken = await server.admin<{ intact: boolean; broken_at: number | null }>(
      'GET',
      '/api/audit/verify',
    );
    expect(broken).toEqual(expect.objectContaining({ intact: false, broken_at: Number(row?.seq) }));
  });
});
